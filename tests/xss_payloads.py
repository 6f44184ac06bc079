"""Hostile strings for the XSS suite. Each one, if it ever ran, would bump ``window.__xss``
(or raise a dialog); the suite checks neither happens and the text shows as text."""

MARK = "window.__xss=(window.__xss||0)+1"

PAYLOADS = [
    f"<script>{MARK}</script>",
    f"<img src=x onerror=\"{MARK}\">",
    f"<svg onload=\"{MARK}\">",
    f"<svg><script>{MARK}</script></svg>",
    f"\"><script>{MARK}</script>",
    f"'><img src=x onerror={MARK}>",
    f"<iframe src=\"javascript:{MARK}\"></iframe>",
    f"<body onload=\"{MARK}\">",
    f"<a href=\"javascript:{MARK}\">click</a>",
    f"<details open ontoggle=\"{MARK}\">",
    f"<video><source onerror=\"{MARK}\"></video>",
    f"<input autofocus onfocus=\"{MARK}\">",
    f"<marquee onstart=\"{MARK}\">x</marquee>",
    f"<object data=\"javascript:{MARK}\"></object>",
    f"<embed src=\"javascript:{MARK}\">",
    f"</title><script>{MARK}</script>",
    f"</style><script>{MARK}</script>",
    f"</textarea><script>{MARK}</script>",
    f"<!--<script>{MARK}</script>-->",
    f"<math><mtext><table><mglyph><style><img src=x onerror=\"{MARK}\">",
    f"<base href=\"javascript:{MARK}//\">",
    f"<meta http-equiv=\"refresh\" content=\"0;url=javascript:{MARK}\">",
    f"\" onmouseover=\"{MARK}\" x=\"",
    f"' onfocus='{MARK}' autofocus='",
    "{{constructor.constructor('" + MARK + "')()}}",
    "${" + MARK + "}",
    f"<scr<script>ipt>{MARK}</script>",
    f"<IMG SRC=x OnErRoR={MARK}>",
    f"<div style=\"background:url(javascript:{MARK})\">x</div>",
    f"<img src=\"data:image/svg+xml,<svg onload='{MARK}'>\">",
    f"]]><script>{MARK}</script>",
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    f"<form action=\"javascript:{MARK}\"><button>go</button></form>",
]

# Short enough to be an entity label (labels are at most 40 characters).
SHORT = ["<img src=x onerror=alert(1)>", "\"><svg onload=alert(2)>", "</style><b>x", "<script>"]

# Elements and attributes that must never come from content.
INJECTED = ("[onerror],[onload],[onclick],[onfocus],[onmouseover],[ontoggle],[onstart],"
            "iframe,object,embed,base,meta[http-equiv=refresh],form[action],a[href^=javascript],"
            "img[src=x],input[autofocus],marquee,details[ontoggle]")

CHECK = """() => ({
  xss: window.__xss || 0,
  injected: Array.from(document.querySelectorAll(%r)).map(e => e.outerHTML.slice(0, 120)),
  scripts: Array.from(document.querySelectorAll('script')).map(s => (s.src || s.textContent).slice(0, 60)),
  text: document.body.innerText,
})""" % INJECTED
