"""Make GX Data Docs readable offline: local CSS/JS instead of CDN links, plus a static suite index.

GX's pages pull Bootstrap, jQuery, bootstrap-table, Vega and Font Awesome from CDNs, and the index
page draws its tables with bootstrap-table. None of those libraries ship inside the GX package, so
this module writes two small stand-ins into `static/wirehouse/` (a Bootstrap-subset stylesheet and a
~100-line jQuery/bootstrap-table shim that renders the index tables, tabs and collapses), points every
page at them with relative paths, swaps the S3 logo for the one GX ships in `static/images/`, and adds
a plain-HTML table of the suites to index.html so it lists every suite even without JavaScript.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable
from pathlib import Path

ASSET_DIR = "static/wirehouse"
LOGO = "static/images/logo-long.png"

_REMOTE = r"""(?:https?:)?//[^"'\s)]+"""
_REMOTE_LINK = re.compile(rf"""<link\b[^>]*\bhref=["']{_REMOTE}["'][^>]*>\s*""", re.I)
_REMOTE_SCRIPT = re.compile(rf"""<script\b[^>]*\bsrc=["']{_REMOTE}["'][^>]*>\s*</script>\s*""", re.I)
_REMOTE_IMAGE = re.compile(r"""https?://great-expectations-web-assets\.[^"'\s)]+""", re.I)
_REMOTE_SRC = re.compile(rf"""\bsrc=(["']){_REMOTE}\1""", re.I)
_REMOTE_CSS_URL = re.compile(rf"""url\((["']?){_REMOTE}\1\)""", re.I)

OFFLINE_CSS = """\
/* wirehouse: offline stand-in for the Bootstrap/bootstrap-table/Font Awesome CSS that GX loads from CDNs. */
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       color: #212529; background: #fff; }
a { color: #0062cc; text-decoration: none; } a:hover { text-decoration: underline; }
h1, h2, h3, h4, h5, h6, .h6 { margin: .4em 0; font-weight: 600; line-height: 1.2; }
code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 90%; }
code { color: #c7254e; } pre { white-space: pre-wrap; }
.container, .container-fluid { width: 100%; padding: 0 15px; margin: 0 auto; }
.row { display: flex; flex-wrap: wrap; margin: 0 -15px; }
[class*="col-"] { position: relative; width: 100%; padding: 0 15px; }
@media (min-width: 768px) {
  .col-md-2 { flex: 0 0 16.667%; max-width: 16.667%; } .col-md-10 { flex: 0 0 83.333%; max-width: 83.333%; }
  .col-md-4 { flex: 0 0 33.333%; max-width: 33.333%; } .col-md-6 { flex: 0 0 50%; max-width: 50%; }
  .col-md-8 { flex: 0 0 66.667%; max-width: 66.667%; }
  .d-md-block { display: block !important; } .d-md-inline-flex { display: inline-flex !important; }
  .d-md-flex { display: flex !important; }
}
.d-none { display: none; } .d-flex { display: flex; } .invisible { visibility: hidden; }
.float-left { float: left; } .mr-auto { margin-right: auto; } .text-center { text-align: center; }
.text-danger { color: #dc3545; } .text-success { color: #28a745; } .text-muted { color: #6c757d; }
.navbar { display: flex; align-items: center; padding: 8px 16px; background: #f8f9fa; }
.border-bottom { border-bottom: 1px solid #dee2e6; } .sticky-top { position: sticky; top: 0; z-index: 10; }
.nav, .navbar-nav { display: flex; flex-wrap: wrap; list-style: none; margin: 0; padding: 0; }
.nav-link { display: block; padding: 6px 12px; }
.nav-tabs { border-bottom: 1px solid #dee2e6; margin-bottom: 8px; }
.nav-tabs .nav-link.active { border: 1px solid #dee2e6; border-bottom-color: #fff; border-radius: 4px 4px 0 0;
                             background: #fff; margin-bottom: -1px; }
.nav-pills .nav-link.active { background: #0062cc; color: #fff; border-radius: 4px; }
.tab-pane { display: none; } .tab-pane.active { display: block; }
.collapse:not(.show) { display: none; } .navbar-collapse { display: block !important; }
.breadcrumb { display: flex; list-style: none; margin: 0; padding: 4px 12px; border-radius: 4px; }
.breadcrumb-item + .breadcrumb-item::before { content: "/"; padding: 0 6px; color: #6c757d; }
.bg-light { background: #f8f9fa; }
.card { border: 1px solid #dee2e6; border-radius: 4px; margin-bottom: 12px; background: #fff; }
.card-header { padding: 8px 12px; background: #f7f7f7; border-bottom: 1px solid #dee2e6; }
.card-body { padding: 12px; }
.alert { padding: 8px 12px; margin-bottom: 12px; border: 1px solid transparent; border-radius: 4px; }
.alert-secondary { background: #e2e3e5; border-color: #d6d8db; } .alert-info { background: #d1ecf1; }
.badge { display: inline-block; padding: 2px 6px; font-size: 85%; border-radius: 4px; background: #6c757d;
         color: #fff; }
.badge-success { background: #28a745; } .badge-danger { background: #dc3545; }
.badge-info { background: #17a2b8; } .badge-secondary { background: #6c757d; }
.btn { display: inline-block; padding: 4px 10px; border: 1px solid #6c757d; border-radius: 4px;
       background: #fff; cursor: pointer; font-size: 13px; }
.btn-primary { background: #0062cc; border-color: #0062cc; color: #fff; }
table { border-collapse: collapse; }
.table, .offline-table { width: 100%; margin-bottom: 12px; }
.table th, .table td, .offline-table th, .offline-table td { padding: 4px 8px; border: 1px solid #dee2e6;
                                                             vertical-align: top; text-align: left; }
.table thead th, .offline-table thead th { background: #f1f3f5; }
.table-responsive { overflow-x: auto; }
.clickable-row { cursor: pointer; } .clickable-row:hover { background: #f5f8ff; }
.modal, .fixed-bottom, #ge-cta-footer, .btn-group-toggle { display: none !important; }
.fas, .far, .fa { font-style: normal; }
.fa-check-circle::before, .fa-check::before { content: "\\2714"; color: #28a745; }
.fa-times::before, .fa-times-circle::before { content: "\\2716"; color: #dc3545; }
.fa-exclamation-triangle::before { content: "\\26A0"; } .fa-question-circle::before { content: "?"; }
.fa-comment::before { content: "\\1F4AC"; }
footer { padding: 8px 16px; color: #6c757d; font-size: 12px; }
.wirehouse-index { margin: 16px; } .wirehouse-index table { width: auto; }
.wirehouse-index th, .wirehouse-index td { padding: 4px 10px; border: 1px solid #dee2e6; text-align: left; }
"""

OFFLINE_JS = """\
/* wirehouse: offline stand-in for the jQuery + Bootstrap + bootstrap-table calls made by GX Data Docs. */
(function () {
  "use strict";
  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c];
    });
  }
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); }
    else { document.addEventListener("DOMContentLoaded", fn); }
  }
  function Coll(nodes) { this.nodes = nodes.filter(Boolean); this.length = this.nodes.length; }
  var fn = Coll.prototype;
  fn.each = function (f) { this.nodes.forEach(function (n, i) { f.call(n, i, n); }); return this; };
  fn.parent = function () { return new Coll(this.nodes.map(function (n) { return n.parentElement; })); };
  fn.fadeIn = fn.show = function () { return this.each(function (i, n) { n.style.display = ""; }); };
  fn.fadeOut = fn.hide = function () { return this.each(function (i, n) { n.style.display = "none"; }); };
  fn.addClass = function (c) { return this.each(function (i, n) { n.classList.add(c); }); };
  fn.removeClass = function (c) { return this.each(function (i, n) { n.classList.remove(c); }); };
  fn.data = function (k) { return this.nodes.length ? this.nodes[0].getAttribute("data-" + k) : undefined; };
  fn.on = fn.modal = fn.tooltip = fn.popover = fn.datepicker = function () { return this; };
  fn.ready = function (f) { ready(f); return this; };
  fn.bootstrapTable = function (opts) {
    if (!opts || typeof opts !== "object") { return this; }
    return this.each(function (i, table) { renderTable(table, opts); });
  };
  function renderTable(table, opts) {
    var cols = opts.columns || [], rows = (opts.data || []).slice();
    var sortCol = cols.filter(function (c) { return c.field === opts.sortName; })[0];
    if (sortCol) {
      var key = sortCol.sortName || sortCol.field, dir = opts.sortOrder === "desc" ? -1 : 1;
      rows.sort(function (a, b) { return a[key] < b[key] ? -dir : a[key] > b[key] ? dir : 0; });
    }
    var out = "<thead><tr>" + cols.map(function (c) {
      return "<th>" + esc(c.title || c.field) + "</th>";
    }).join("");
    out += "</tr></thead><tbody>";
    rows.forEach(function (row) {
      var link = row._table_row_link_path;
      out += link ? '<tr class="clickable-row" data-href="' + esc(link) + '">' : "<tr>";
      cols.forEach(function (c, j) {
        var cell = row[c.field] == null ? "" : String(row[c.field]);
        if (j === 0 && link && cell.indexOf("<a") < 0) {
          cell = '<a href="' + esc(link) + '">' + cell + "</a>";
        }
        out += "<td>" + cell + "</td>";
      });
      out += "</tr>";
    });
    table.innerHTML = out + "</tbody>";
    table.classList.add("offline-table");
    Array.prototype.forEach.call(table.querySelectorAll("tr[data-href]"), function (tr) {
      tr.addEventListener("click", function (ev) {
        if (!ev.target.closest("a")) { window.location = tr.getAttribute("data-href"); }
      });
    });
  }
  function $(sel) {
    if (typeof sel === "function") { ready(sel); return new Coll([]); }
    if (sel === document || sel === window || (sel && sel.nodeType === 1)) { return new Coll([sel]); }
    if (typeof sel === "string") {
      try { return new Coll(Array.prototype.slice.call(document.querySelectorAll(sel))); }
      catch (e) { return new Coll([]); }
    }
    return new Coll([]);
  }
  $.fn = fn;
  window.$ = window.jQuery = $;
  ready(function () {
    document.addEventListener("click", function (ev) {
      var a = ev.target.closest('[data-toggle="tab"], [data-toggle="collapse"]');
      if (!a) { return; }
      var target = document.querySelector(a.getAttribute("data-target") || a.getAttribute("href"));
      if (!target) { return; }
      ev.preventDefault();
      if (a.getAttribute("data-toggle") === "collapse") { target.classList.toggle("show"); return; }
      Array.prototype.forEach.call(a.closest(".nav").querySelectorAll(".nav-link"), function (l) {
        l.classList.remove("active");
      });
      a.classList.add("active");
      Array.prototype.forEach.call(target.parentElement.children, function (p) {
        p.classList.remove("active", "show");
      });
      target.classList.add("active", "show");
    });
  });
})();
"""


def _relative(target: str, page: Path, root: Path) -> str:
    """The relative URL from `page` to `root/target`."""
    return Path(os.path.relpath(root / target, page.parent)).as_posix()


def localize_page(text: str, page: Path, root: Path) -> str:
    """Rewrite one page: CDN CSS/JS -> the local stand-ins, S3 logo -> GX's bundled logo."""
    targets = (f"{ASSET_DIR}/offline.css", f"{ASSET_DIR}/offline.js", LOGO)
    css, js, logo = (_relative(t, page, root) for t in targets)
    text = _REMOTE_LINK.sub("", text)
    text = _REMOTE_SCRIPT.sub("", text)
    text = _REMOTE_IMAGE.sub(logo, text)
    text = _REMOTE_SRC.sub('src=""', text)
    text = _REMOTE_CSS_URL.sub("none", text)
    head = f'<link rel="stylesheet" href="{css}">\n<script src="{js}"></script>\n'
    return text.replace("</head>", head + "</head>", 1)


def _latest_validation_page(root: Path, suite: str) -> Path | None:
    """The newest validation-result page of a suite (run-time folders sort chronologically)."""
    pages = sorted((root / "validations" / suite).glob("**/*.html"), key=lambda p: p.parent.name)
    return pages[-1] if pages else None


def suite_index_html(root: Path, suites: Iterable[tuple[str, bool]]) -> str:
    """A plain-HTML table of every suite: its last result, expectations page and latest validation page."""
    rows = []
    for name, success in suites:
        latest = _latest_validation_page(root, name)
        status = ('<span class="text-success">passed</span>' if success
                  else '<span class="text-danger">failed</span>')
        run = f'<a href="{latest.relative_to(root).as_posix()}">latest run</a>' if latest else ""
        rows.append(f'<tr><td><a href="expectations/{html.escape(name)}.html">{html.escape(name)}</a></td>'
                    f"<td>{status}</td><td>{run}</td></tr>")
    return ('<section class="wirehouse-index" id="wirehouse-suites"><h4>wirehouse suites (this run)</h4>'
            "<table><thead><tr><th>suite</th><th>result</th><th>validation</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></section>\n")


def remove_empty_folders(root: Path) -> None:
    """Remove the folders under `root` that hold no file: GX deletes the pages of earlier runs but leaves
    their run folders, so a scheduled deployment would add folders (and time to every later build) forever."""
    for folder, _, _ in os.walk(root, topdown=False):  # deepest first: a parent is emptied by its children
        if Path(folder) != root and not any(Path(folder).iterdir()):
            Path(folder).rmdir()


def make_offline(root: Path, suites: Iterable[tuple[str, bool]]) -> Path:
    """Write the local assets, rewrite every page under `root`, list the suites on index.html; returns it."""
    remove_empty_folders(root / "validations")
    assets = root / ASSET_DIR
    assets.mkdir(parents=True, exist_ok=True)
    (assets / "offline.css").write_text(OFFLINE_CSS, encoding="utf-8")
    (assets / "offline.js").write_text(OFFLINE_JS, encoding="utf-8")
    for page in root.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if f"{ASSET_DIR}/offline.js" in text:
            continue
        page.write_text(localize_page(text, page, root), encoding="utf-8")
    index = root / "index.html"
    text = re.sub(r'<section class="wirehouse-index".*?</section>\n', "", index.read_text(encoding="utf-8"),
                  flags=re.S)
    body = re.search(r"<body[^>]*>", text)
    at = body.end() if body else 0
    index.write_text(text[:at] + "\n" + suite_index_html(root, suites) + text[at:], encoding="utf-8")
    return index
