"""One S3-compatible bucket and prefix, reached with boto3: every failure told in French.

boto3 is imported when a bucket is first reached, not with the package: `vigie check` and
`vigie build` do not pay its start-up.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vigie.publish import s3_messages as msg
from vigie.publish.deploy import DeployError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

# Parallel requests: enough to hide each request's round trip, few enough for any provider's
# rate limits (AWS allows 3,500 writes a second per prefix; smaller providers far less).
WORKERS = 8
_LOCATION = re.compile(r"^s3://(?P<bucket>[A-Za-z0-9][A-Za-z0-9._-]{1,62})(?:/(?P<prefix>.*))?$")
_NOT_FOUND = ("404", "NoSuchKey", "NotFound")


@dataclass(frozen=True)
class Location:
    """`s3://<bucket>/<prefix>`: the prefix empty or ending with a slash."""

    bucket: str
    prefix: str

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")


def is_location(text: str) -> bool:
    """Whether a command's argument names a bucket rather than a folder or a web address."""
    return text.startswith("s3://")


def parse_location(text: str) -> Location:
    """The bucket and prefix of `s3://<bucket>[/<prefix>]`."""
    found = _LOCATION.match(text)
    if not found:
        raise DeployError(msg.S3_BAD_LOCATION.format(location=text))
    prefix = (found["prefix"] or "").strip("/")
    return Location(found["bucket"], f"{prefix}/" if prefix else "")


@dataclass(frozen=True)
class Head:
    """What a bucket says of one object: the headers it will send, and Vigie's hash."""

    content_type: str
    cache_control: str
    sha256: str  # x-amz-meta-sha256, "" when the object was not written by Vigie
    etag: str


class Bucket:
    """The objects under one prefix of one bucket. Credentials come from the standard AWS
    chain only (environment variables, AWS_PROFILE and ~/.aws, an instance role)."""

    def __init__(self, location: Location, endpoint_url: str | None, region: str | None) -> None:
        import boto3
        from botocore.config import Config

        self.location = location
        config = Config(
            # Path-style addresses work with every provider that has its own endpoint.
            s3={"addressing_style": "path"} if endpoint_url else {},
            # Checksums only where S3 requires them: several providers reject the newer ones.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            max_pool_connections=2 * WORKERS,
            connect_timeout=10,
            read_timeout=60,
        )
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url, region_name=region, config=config
        )
        self.endpoint = self.client.meta.endpoint_url

    def _call(self, what: str, action: Callable[[], Any]) -> Any:
        from botocore import exceptions as failure

        try:
            return action()
        except failure.NoCredentialsError:
            raise DeployError(msg.S3_NO_CREDENTIALS.format(location=self.location)) from None
        except (
            failure.EndpointConnectionError,
            failure.ConnectTimeoutError,
            failure.ReadTimeoutError,
            failure.ConnectionClosedError,
        ) as error:
            text = msg.S3_UNREACHABLE.format(endpoint=self.endpoint, location=self.location)
            raise DeployError(text, [str(error)]) from None
        except failure.ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", "?"))
            hint = msg.S3_HINTS.get(code, msg.S3_HINT_OTHER)
            text = msg.S3_REFUSED.format(what=what, location=self.location, code=code, hint=hint)
            raise DeployError(text, [str(error)]) from None
        except failure.BotoCoreError as error:
            text = msg.S3_UNREACHABLE.format(endpoint=self.endpoint, location=self.location)
            raise DeployError(text, [str(error)]) from None

    def key(self, path: str) -> str:
        return self.location.prefix + path

    def listing(self) -> dict[str, tuple[int, str]]:
        """Every object under the prefix: its path below the prefix, size and ETag."""

        def read() -> dict[str, tuple[int, str]]:
            found = {}
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.location.bucket, Prefix=self.location.prefix
            )
            for page in pages:
                for item in page.get("Contents", []):
                    path = item["Key"][len(self.location.prefix) :]
                    found[path] = (int(item["Size"]), str(item["ETag"]).strip('"'))
            return found

        return self._call("ListObjectsV2", read)

    def head(self, path: str) -> Head | None:
        """The object's headers and hash, or None when there is none."""
        from botocore.exceptions import ClientError

        def read() -> Head | None:
            try:
                answer = self.client.head_object(Bucket=self.location.bucket, Key=self.key(path))
            except ClientError as error:
                if str(error.response.get("Error", {}).get("Code")) in _NOT_FOUND:
                    return None
                raise
            return _head(answer)

        return self._call(f"HeadObject {path}", read)

    def get(self, path: str) -> tuple[bytes, Head] | None:
        """The object's bytes and headers, or None when there is none."""
        from botocore.exceptions import ClientError

        def read() -> tuple[bytes, Head] | None:
            try:
                answer = self.client.get_object(Bucket=self.location.bucket, Key=self.key(path))
            except ClientError as error:
                if str(error.response.get("Error", {}).get("Code")) in _NOT_FOUND:
                    return None
                raise
            return answer["Body"].read(), _head(answer)

        return self._call(f"GetObject {path}", read)

    def get_json(self, path: str) -> Any:
        found = self.get(path)
        return json.loads(found[0]) if found else None

    def put(
        self, path: str, body: bytes, content_type: str, cache_control: str, sha256: str
    ) -> str:
        """Write one object whole (S3 replaces an object in one step); its new ETag."""
        md5 = base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()
        answer = self._call(
            f"PutObject {path}",
            lambda: self.client.put_object(
                Bucket=self.location.bucket,
                Key=self.key(path),
                Body=body,
                ContentMD5=md5,  # the bucket refuses bytes damaged on the way
                ContentType=content_type,
                CacheControl=cache_control,
                Metadata={"sha256": sha256},
            ),
        )
        return str(answer["ETag"]).strip('"')

    def copy(
        self, source: str, path: str, content_type: str, cache_control: str, sha256: str
    ) -> str:
        """Copy an object inside the bucket (no bytes travel), with new headers; its ETag."""
        answer = self._call(
            f"CopyObject {source} → {path}",
            lambda: self.client.copy_object(
                Bucket=self.location.bucket,
                Key=self.key(path),
                CopySource={"Bucket": self.location.bucket, "Key": self.key(source)},
                MetadataDirective="REPLACE",
                ContentType=content_type,
                CacheControl=cache_control,
                Metadata={"sha256": sha256},
            ),
        )
        return str(answer["CopyObjectResult"]["ETag"]).strip('"')

    def delete(self, paths: Iterable[str]) -> None:
        """Remove objects, a thousand a request (the most S3 takes)."""
        keys = [{"Key": self.key(path)} for path in paths]
        for start in range(0, len(keys), 1000):
            batch = keys[start : start + 1000]
            answer = self._call(
                "DeleteObjects",
                lambda batch=batch: self.client.delete_objects(
                    Bucket=self.location.bucket, Delete={"Objects": batch, "Quiet": True}
                ),
            )
            errors = answer.get("Errors") or []
            if errors:
                details = [f"{e.get('Key')} : {e.get('Code')} {e.get('Message')}" for e in errors]
                raise DeployError(
                    msg.S3_REFUSED.format(
                        what="DeleteObjects",
                        location=self.location,
                        code=errors[0].get("Code"),
                        hint=msg.S3_HINT_OTHER,
                    ),
                    details,
                )


def _head(answer: dict[str, Any]) -> Head:
    # Providers differ in the case of metadata keys (rclone: `Sha256`).
    metadata = {str(k).lower(): str(v) for k, v in (answer.get("Metadata") or {}).items()}
    return Head(
        content_type=str(answer.get("ContentType") or ""),
        cache_control=str(answer.get("CacheControl") or ""),
        sha256=metadata.get("sha256", ""),
        etag=str(answer.get("ETag") or "").strip('"'),
    )
