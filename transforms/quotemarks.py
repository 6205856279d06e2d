"""Find quoted spans in article bodies with polars regexes, and tell speech from scare quotes and titles.

One row per span: `article_id, start_char, end_char, quote_text, mark, n_words, span_kind`, where
`body[start_char:end_char] == quote_text` (character offsets) and `span_kind` is 'speech', 'scare'
(1-3 words, product names: 'H20') or 'title' (a Title Case name in a noun phrase: the "Made in China
2025" initiative). Only 'speech' spans become direct quotes.
"""

import polars as pl

from transforms.lexicons import SPEECH_VERBS, TITLE_PRECEDERS, alternation
from transforms.textspans import LETTER, LOWER, context_after, context_before

# One alternative per quoting convention. Curly double quotes may run over paragraphs either with
# no marks in between (a block quote closed only at its end) or with a fresh opening mark at the
# start of each continued paragraph; straight quotes only in the second, unambiguous way.
# Single quotes double as apostrophes (don't, Trump's, '90s): a single-quoted span opens on a
# letter after a non-letter, may hold apostrophes between letters, and closes before a non-letter,
# which the match consumes (polars regexes have no look-ahead), as it does the character before
# a straight opening mark.
L = f"[{LETTER}]"
NL = f"[^{LETTER}]"
QUOTE_SPAN = (
    r"“[^“”]*”"
    r"|“[^“”\n]*(?:\n\n“[^“”\n]*)+”"
    r"|\"[^\"\n]*(?:\n\n\"[^\"\n]*)*\""
    rf"|‘{L}(?:[^‘’\n]|’{L})*’(?:{NL}|$)"
    rf"|(?:^|[\s(\[{{—–-])'{L}(?:[^'\n]|'{L})*'(?:{NL}|$)"
    r"|«[^«»]*»|「[^「」]*」|『[^『』]*』|《[^《》]*》"
)
OPENING_MARKS = "“\"‘'«「『《"
SINGLE_MARKS = ("‘", "'")

MARK_NAMES = {"“": "curly", '"': "straight", "‘": "single", "'": "single", "«": "guillemet",
              "「": "cjk", "『": "cjk", "《": "cjk_title"}

CJK = r"[\p{Han}\p{Hiragana}\p{Katakana}]"
WORD = r"[\p{L}\p{N}]+(?:['’ʼ][\p{L}\p{N}]+)*"  # as the scorer counts: hyphens split, apostrophes join
MIN_SPEECH_WORDS = 4

# Title Case run with no sentence punctuation: names of works, programmes, slogans.
TITLE_CASE = (
    r"^[\p{Lu}\p{N}][\p{L}\p{N}'’ʼ&.-]*"
    r"(?:\s+(?:[\p{Lu}\p{N}][\p{L}\p{N}'’ʼ&.-]*|of|in|the|and|for|to|a|an|on|at|by|with|de|la|vs\.?|&))*$"
)
TITLE_BEFORE = rf"(?i)(?:^|[^{LETTER}])(?:{alternation(TITLE_PRECEDERS)})\s*$"
# A Title Case quote right after a speech verb or a colon is a headline-style quotation, not a title.
SPEECH_BEFORE = rf"(?:(?-u:\b)(?:{alternation(SPEECH_VERBS)})\s*[,:]?|:)\s*$"
LOWER_WORD_AFTER = rf"^\s+[{LOWER}]"


def find_spans(articles: pl.LazyFrame) -> pl.LazyFrame:
    """One row per quoted span with character offsets of the words inside the marks.

    Offsets as in `textspans.regex_spans`: pieces tile the body, so their running length is each
    match's end; the match (minus a consumed boundary character before or after) gives the span.
    """
    piece_len = pl.col("piece").str.len_chars().cast(pl.Int64)
    match_len = pl.col("match").str.len_chars().cast(pl.Int64)
    lead = (~pl.col("match").str.slice(0, 1).is_in(list(OPENING_MARKS))).cast(pl.Int64)
    opened = pl.col("match").str.slice(pl.col("lead"), 1)
    # a single-quote match ends with the non-letter after its closing mark, unless at the text's end
    closing = pl.when(pl.col("open_mark") == "‘").then(pl.lit("’")).otherwise(pl.lit("'"))
    last, before_last = pl.col("match").str.slice(-1), pl.col("match").str.slice(-2, 1)
    consumed_after = (last != closing) | (before_last == closing)
    trail = (pl.col("open_mark").is_in(SINGLE_MARKS) & consumed_after).cast(pl.Int64)
    return (
        articles.select(
            "article_id",
            "body",
            pl.col("body").str.extract_all(rf"(?s).*?(?:{QUOTE_SPAN})").alias("piece"),
            pl.col("body").str.extract_all(QUOTE_SPAN).alias("match"),
        )
        .explode("piece", "match")
        .filter(pl.col("piece").is_not_null())
        .with_columns(piece_len.cum_sum().over("article_id").alias("match_end"), lead.alias("lead"))
        .with_columns(opened.alias("open_mark"))
        .with_columns(trail.alias("trail"))
        .with_columns(
            (pl.col("match_end") - match_len + pl.col("lead") + 1).alias("start_char"),
            (pl.col("match_end") - pl.col("trail") - 1).alias("end_char"),
        )
        .with_columns(
            pl.col("body").str.slice(pl.col("start_char"), pl.col("end_char") - pl.col("start_char"))
            .alias("quote_text"),
        )
        .filter(
            # misaligned straight-quote pairs enclose the text *between* two quotes
            ~pl.col("quote_text").str.contains(r"^\s|\s$") & (pl.col("quote_text").str.len_chars() > 0)
        )
        .select("article_id", "body", "start_char", "end_char", "quote_text", "open_mark")
    )


def classify_spans(spans: pl.LazyFrame) -> pl.LazyFrame:
    """Label each span speech, scare (too short to be a quotation) or title (a name in a noun phrase)."""
    text = pl.col("quote_text")
    before = context_before(pl.col("body"), pl.col("start_char") - 1, 40)  # up to the opening mark
    after = context_after(pl.col("body"), pl.col("end_char") + 1, 30)  # after the closing mark
    n_words = text.str.count_matches(WORD) + text.str.count_matches(CJK) // 2
    has_sentence_punct = text.str.contains(r"[.!?,;。，！？]")
    noun_phrase_context = before.str.contains(TITLE_BEFORE) | after.str.contains(LOWER_WORD_AFTER)
    title_context = noun_phrase_context & ~before.str.contains(SPEECH_BEFORE)
    is_title = ((pl.col("open_mark") == "《") & ~has_sentence_punct) | (
        text.str.contains(TITLE_CASE) & (n_words <= 8) & title_context
    )
    return spans.with_columns(
        pl.col("open_mark").replace_strict(MARK_NAMES, default="other").alias("mark"),
        n_words.cast(pl.Int32).alias("n_words"),
    ).with_columns(
        pl.when(is_title)
        .then(pl.lit("title"))
        .when(pl.col("n_words") < MIN_SPEECH_WORDS)
        .then(pl.lit("scare"))
        .otherwise(pl.lit("speech"))
        .alias("span_kind"),
    )


def quote_spans(articles: pl.LazyFrame) -> pl.LazyFrame:
    """articles(article_id, body) -> every quoted span, classified; speech spans are direct quotes."""
    return (
        articles.pipe(find_spans)
        .pipe(classify_spans)
        .select("article_id", "start_char", "end_char", "quote_text", "mark", "n_words", "span_kind")
    )


def speech_spans(articles: pl.LazyFrame) -> pl.LazyFrame:
    """Per article with speech, its quoted spans that hold speech (scare quotes and titles left out), in
    order: article_id, span_starts, span_ends."""
    return (
        quote_spans(articles)
        .filter(pl.col("span_kind") == "speech")
        .sort("start_char")
        .group_by("article_id")
        .agg(pl.col("start_char").alias("span_starts"), pl.col("end_char").alias("span_ends"))
    )
