/**
 * The rich listing's style: system fonts, a table that stays readable on a
 * phone (the date column goes first on narrow screens), colours with a
 * contrast of 4.5:1 or more in both schemes, dark from
 * `prefers-color-scheme`, entry markers drawn in CSS from the row's kind
 * class (a folder, a page outlined in the colour of its kind; no icon font
 * or emoji needed). No external asset: the page is one response.
 */
export const LISTING_STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--link:#0550ae;--hover:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--link:#4493f8;--hover:#151b23}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:64rem;padding:1rem;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--link);text-decoration:none}
a:hover,a:focus-visible{text-decoration:underline}
a:focus-visible{outline:2px solid var(--link);outline-offset:2px;border-radius:2px}
.crumbs{color:var(--muted);font-size:.95em;word-break:break-all}
h1{font-size:1.25rem;font-weight:600;margin:.25rem 0 1rem;word-break:break-all}
table{width:100%;border-collapse:collapse}
th{text-align:left;font-weight:600;color:var(--muted);border-bottom:1px solid var(--line);padding:.4rem .5rem;white-space:nowrap}
th a{color:inherit}
td{padding:.3rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
tbody tr:hover{background:var(--hover)}
td:first-child{word-break:break-all;width:100%}
td+td{white-space:nowrap;color:var(--muted);font-variant-numeric:tabular-nums}
td:nth-child(2),th[data-sort=size]{text-align:right}
td:first-child a::before{content:"";display:inline-block;box-sizing:border-box;width:.8em;height:1em;margin:0 .6em 0 .15em;vertical-align:-.12em;border:2px solid var(--k,var(--muted));border-radius:1px 5px 1px 1px;background:var(--kb,transparent)}
tr.k-dir a::before,tr.up a::before{width:1.05em;height:.85em;vertical-align:-.05em;border-radius:1px 3px 2px 2px;--k:#bf8700;--kb:#d4a72c}
tr.k-link td:first-child a::before{border-style:dashed}
tr.k-image{--k:#1a7f37}tr.k-video{--k:#8250df}tr.k-audio{--k:#bf3989}tr.k-archive{--k:#9a6700}tr.k-pdf{--k:#cf222e}tr.k-code{--k:#0969da}
footer{color:var(--muted);font-size:.9em;margin-top:1rem}
@media (max-width:36rem){body{padding:.5rem}th[data-sort=mtime],td:nth-child(3){display:none}}
`;

/**
 * The optional script: a click on a column header sorts the rows in place
 * (directories first, as the server sorts) and updates the address, so the
 * page stays where it is; without it the header links reload the listing
 * sorted by the server.
 */
export const LISTING_SCRIPT = `
(function(){
var tb=document.querySelector("tbody");if(!tb||!window.history)return;
function key(tr,s){var c=tr.cells[s==="size"?1:2];if(!c||s==="name")return 0;var t=c.title||c.textContent;if(!t)return -1;return s==="size"?parseInt(t,10):+t.replace(/[^0-9]/g,"")}
function name(tr){return tr.cells[0].textContent.toLowerCase()}
document.querySelectorAll("th[data-sort]").forEach(function(th){th.querySelector("a").addEventListener("click",function(ev){
var s=th.dataset.sort,asc=th.getAttribute("aria-sort")!=="ascending",sign=asc?1:-1;
var up=tb.querySelector("tr.up"),rows=[].slice.call(tb.querySelectorAll("tr:not(.up)"));
rows.sort(function(a,b){var da=a.classList.contains("k-dir"),db=b.classList.contains("k-dir");if(da!==db)return da?-1:1;
var k=key(a,s)-key(b,s);if(k)return sign*k;var x=name(a),y=name(b);return sign*(x<y?-1:x>y?1:0)});
rows.forEach(function(r){tb.appendChild(r)});if(up)tb.insertBefore(up,tb.firstChild);
document.querySelectorAll("th[data-sort]").forEach(function(h){h.removeAttribute("aria-sort");var t=h.lastChild;if(t.nodeType===3)h.removeChild(t);
var o=h===th&&asc?"desc":"asc";h.querySelector("a").setAttribute("href","?sort="+h.dataset.sort+"&order="+o)});
th.setAttribute("aria-sort",asc?"ascending":"descending");th.appendChild(document.createTextNode(asc?" \\u25B2":" \\u25BC"));
history.replaceState(null,"","?sort="+s+"&order="+(asc?"asc":"desc"));ev.preventDefault()})})})();
`;
