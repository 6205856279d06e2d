"""Reduce a saved web page to its article text: title first, then one line per block."""

from bs4 import BeautifulSoup, CData, NavigableString, Tag

HTML_EXTENSIONS = (".html", ".htm", ".xhtml")

# Elements whose content is never article text.
DROPPED_TAGS = frozenset(
    "head script style noscript template nav footer aside form iframe svg canvas object embed button select "
    "textarea".split()
)
# Elements that start a new line of text.
BLOCK_TAGS = frozenset(
    "address article blockquote br dd div dl dt figcaption figure h1 h2 h3 h4 h5 h6 header hr li main ol p "
    "pre section table td th tr ul".split()
)
_NEWLINE = object()  # marker pushed on the walk stack: emit a line break when a block closes


def looks_like_html(text: str) -> bool:
    """A page saved with a .txt name is still HTML if it opens like one."""
    head = text[:2048].lstrip()
    if not head.startswith("<"):  # most texts: no need to lower-case the head
        return False
    head = head.lower()
    return "<!doctype html" in head or "<html" in head


def extract_article_text(html: str) -> str:
    """Title, then the article's text blocks, one per line; scripts, styles, nav and footers dropped."""
    page = _Landmarks(BeautifulSoup(html, "html.parser"))
    root, lines = page.content()
    title = page.title(root)
    if title and (not lines or lines[0] != title):
        lines.insert(0, title)
    return "\n".join(lines)


class _Landmarks:
    """The elements that locate an article in a page, found in one walk over the tree."""

    def __init__(self, soup: BeautifulSoup) -> None:
        self.soup = soup
        self.articles: list[Tag] = []  # outermost <article>s
        self.first: dict[str, Tag] = {}  # first <main>, <body>, <h1>, <title> of the page
        self.article_h1: dict[int, Tag] = {}  # id(outermost article) -> its first <h1>
        stack: list[tuple[Tag, Tag | None]] = [(soup, None)]
        while stack:
            node, article = stack.pop()
            if node.name == "article" and article is None:
                article = node
                self.articles.append(node)
            if node.name in ("main", "body", "h1", "title"):
                self.first.setdefault(node.name, node)
            if node.name == "h1" and article is not None:
                self.article_h1.setdefault(id(article), node)
            stack.extend((child, article) for child in reversed(node.contents) if isinstance(child, Tag))

    def content(self) -> tuple[Tag, list[str]]:
        """The longest <article>, else <main>, else <body>, else the whole document; with its lines."""
        if self.articles:
            measured = [(tag, _block_lines(tag)) for tag in self.articles]
            return max(measured, key=lambda pair: sum(len(line) for line in pair[1]))
        root = self.first.get("main") or self.first.get("body") or self.soup
        return root, _block_lines(root)

    def title(self, root: Tag) -> str:
        """The chosen article's <h1>, else the page's first <h1>, else <title>."""
        heading = self.article_h1.get(id(root)) or self.first.get("h1") or self.first.get("title")
        return " ".join(_block_lines(heading)) if heading else ""


def _block_lines(root: Tag) -> list[str]:
    """Text of `root` with a line break around each block element, whitespace collapsed per line.

    An explicit stack instead of recursion or tree edits keeps this linear and safe on deeply
    nested or very wide pages.
    """
    parts: list[str] = []
    stack: list[object] = [root]
    while stack:
        node = stack.pop()
        if node is _NEWLINE:
            parts.append("\n")
        elif isinstance(node, NavigableString):
            if type(node) in (NavigableString, CData):  # not comments, doctypes, declarations
                parts.append(str(node))
        elif isinstance(node, Tag) and node.name not in DROPPED_TAGS:
            if node.name in BLOCK_TAGS:
                parts.append("\n")
                stack.append(_NEWLINE)
            stack.extend(reversed(node.contents))
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return [line for line in lines if line]
