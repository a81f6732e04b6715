/* Vigie: Material's two inline scripts, from a file the browser keeps in cache.
 *
 * Material writes two scripts into every page: one defines __md_scope, __md_get and __md_set
 * (partials/javascripts/base.html), the other applies the colour scheme the reader chose
 * (partials/javascripts/palette.html). Here they are as Material 9.8 writes them, loaded
 * where the second one was, right after the palette toggle and before the content is
 * painted: every page is lighter, and its CSP lists no inline script. The scope is the
 * site root, two folders above this file (unless mkdocs.yml sets `extra.scope`: then
 * Material's first script stays in the page and has already set it).
 */
window.__md_scope||(__md_scope=new URL("../..",document.currentScript.src));
__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}};
var palette=__md_get("__palette");if(palette&&palette.color){if("(prefers-color-scheme)"===palette.color.media){var media=matchMedia("(prefers-color-scheme: light)"),input=document.querySelector(media.matches?"[data-md-color-media='(prefers-color-scheme: light)']":"[data-md-color-media='(prefers-color-scheme: dark)']");palette.color.media=input.getAttribute("data-md-color-media"),palette.color.scheme=input.getAttribute("data-md-color-scheme"),palette.color.primary=input.getAttribute("data-md-color-primary"),palette.color.accent=input.getAttribute("data-md-color-accent")}for(var[key,value]of Object.entries(palette.color))document.body.setAttribute("data-md-color-"+key,value)}
