"""Cleaning scraped pages: keep every sentence of the article body, record every line removed.

A page is read line by line. Each line is kept or dropped with a reason that a reader can audit
in ``corpus.dropped``. For a page saved as text (``kind`` "text", or an HTML page whose article
the extractor could not find; a record's text skips rule 2), in this order:

1. the headline and the byline (their content becomes ``title``, ``author``, ``published``);
2. the line model (``kit.ingest.lines``): lines whose shape and neighbours say "menu, teaser,
   footer" rather than "article" are dropped with their score and the features that weighed
   most (on a page where no line scores high, the threshold falls with the best score;
   ``kit.ingest.body`` reads the scores as lines kept and dropped);
3. everything after a footer marker ("News Feed", "More news", "Editors' Picks", …) that
   sits below most of the body (a menu of "Most Popular" links above the body cuts nothing);
   below a "Related" or "Read more" marker, only the box of links up to the body's next
   sentence, when the model is fairly sure of one a few lines below;
4. prompts and navigation (subscribe, newsletter, membership, "Skip to content", …) and site
   notices (the site speaking to its reader or about itself: "Follow us on Twitter", "All
   rights reserved", an advertiser disclosure, a "Last Modified:" label);
5. photo credits and captions (a credit line, a caption ending in a credit, ", left,");
6. signatures ("With Post Wires", "… contributed to this report");
7. lines repeated verbatim on many pages of the same outlet (``min_pages``);
8. lines that are not sentences, when the model is not sure they are body (but the items of a
   list that a body line announces, "Three things changed:", stay);
9. context rules: a short sentence right below a caption head that names the same people is its
   caption, a line of one sentence just above a credit is a caption, a line between two captions
   is a caption, and a line between two prompts belongs to the prompt block;
10. the author's biography: an "About the author" (or "About Jane Roe", "Written by …")
   heading below most of the body ends the article as a footer marker does, and a last line
   that names someone and says what they do for a living ("Jane Roe is a senior writer for …")
   is dropped.

For trafilatura's text of an HTML page (``kind`` "html") only what the extractor demonstrably
misses is dropped: lines repeated on many pages of the outlet, short prompts and site notices
(rule 4).

Example:
    >>> text, dropped, header = clean_page("Skip to content\\nIt rained.\\nWith Post Wires")
    >>> text
    'It rained.'
    >>> [row["reason"] for row in dropped]
    ['prompt or navigation', 'signature']
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from kit.errors import where
from kit.ingest import body
from kit.ingest import lines as line_model
from kit.ingest.body import MODEL_REASON, count_words, is_sentence
from kit.ingest.dates import read_printed

DROPPED_COLUMNS = ["doc_id", "line_no", "text", "reason"]

# Full stops of other scripts too (``kit.ingest.lines.SENTENCE_END``: CJK, Devanagari, Arabic, …).
MONTHS = (
    "Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    "Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
)
BYLINE = re.compile(
    rf"^(?:by|By|BY)\s+(?P<author>[A-Z][\w.'’-]+(?:\s+(?:and\s+)?(?!(?:{MONTHS})\b)[A-Z][\w.'’-]+){{0,5}})"
    rf"(?:\s*[,|·-]?\s*(?P<date>(?:{MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}})"
    rf"(?:,?\s+(?P<time>\d{{1,2}}:\d{{2}}\s*[AaPp]\.?[Mm]\.?))?)?(?P<rest>.*)$"
)
FOOTER = re.compile(
    r"^(news feed|more news|editors?['’]? picks|related( articles| stories| coverage)?|"
    r"read more|recommended( for you)?|most (read|popular)|trending( now)?|"
    r"you may also like|comments?|latest news|top stories)\s*:?$",
    re.IGNORECASE,
)
# Of those, the markers that news sites also print above a box of links inside the article
# ("Related", "Read more"): the body may go on below the box.
BOX = re.compile(
    r"^(related( articles| stories| coverage)?|read more|recommended( for you)?|"
    r"you may also like)\s*:?$",
    re.IGNORECASE,
)
PROMPT = re.compile(
    r"(^\W*subscri(be|ption)\b|\bsubscriptions?$|\bnewsletter|^\W*sign(ed)? up\b|\bsign up$|"
    r"\bsuccessfully signed up\b|\bpaywall|^\W*donate\b|\bdonate (now|today)\b|\bmake a donation\b|"
    r"^\W*(please )?help us\b|\bhelp us (continue|keep|fund|reach|grow)\b|\bwill you help\b|"
    r"\bbecome a (member|subscriber)|\b(reach|join) (\w+ ){0,2}\d[\d,]* (other )?members\b|"
    r"\benter your email|\b(your|valid|invalid|incorrect) email address\b|"
    r"\bindicates required\b|\bsuccessful+y subscribed|"
    r"\bthank you for signing up|\bskip to (main )?content\b|^edit post$|"
    r"\baudio is (created|generated)\b|\blisten to this article\b|^\d+ min read$|"
    r"^story continued below$|^advertisement:?$|\bclick here\b|^share (this|on)\b|"
    r"^(previous|next) (article|post|story)(\b|(?=[A-Z]))|\(opens in (a )?new (window|tab)\)|"
    r"^explore further$|^view the (discussion|comments)\b|^you are here:?$|"
    r"^follow us\b|\bsupport (our|independent) journalism\b|\bstand behind\b.*\bjournalism\b)",
    re.IGNORECASE,
)
# A word of each of PROMPT's alternatives: a line holding none of them (most body lines) skips
# the pattern, which is slow to try at every position of a long line (``is_prompt``).
PROMPT_KEYS = (
    "subscri", "newsletter", "sign", "paywall", "donat", "help", "become a", "members", "email",
    "indicates required", "successful", "skip to", "edit post", "audio is", "listen to this",
    "min read", "story continued", "advertisement", "click here", "share", "follow us",
    "journalism", "previous article", "previous post", "previous story", "next article",
    "next post", "next story", "opens in", "explore further", "view the", "you are here",
)  # fmt: skip
# Site notices: the site speaking to its reader (sign up, follow us on, download our app, send
# us a letter) or about itself (copyright, advertiser disclosures). Reporters rarely write these
# words in a story outside quotation marks; an extractor often keeps them below the body.
NOTICE = re.compile(
    r"(^\W*sign up\b|\bsign up (here|now|today)\b|\bfree sign up\b|\bsign up to (get|receive)\b|"
    r"\bsign up for (our|the|daily|free|a) (\w+ ){0,2}newsletters?\b|"
    r"^(please )?subscribe\b|\bplease subscribe\b|\bsubscribe (now|today|here)\b|"
    r"\bsubscribe to (our|\S+['’]s?) (\w+ )?(newsletters?|channel|podcast)\b|"
    r"\balready (a )?(subscriber|member)\b|\b(first-time|new) subscribers\b|"
    r"\blog ?in (for|to (continue|read|access))\b|\bdownload (the|our) (\w+ ){0,3}apps?\b|"
    r"\bfollow (us|\w+( \w+)?) on (twitter|facebook|instagram)\b|"
    r"\b(send|email|e-mail|write to) us\b|"
    r"\bsubmit (a|your) letter\b|\bwe want to hear (from you|what you think)\b|"
    r"\bwe need your help\b|\bhelp us (continue|keep|fund)\b|\badvertise with\b|"
    r"\ball rights reserved\b|\bcopyrighted property\b|\bwritten permission\b|^©|"
    r"\bwe may (receive|earn) (an? )?(affiliate |small )?(compensation|commission)\b|"
    r"\b(affiliate|advertiser) (links?|disclosure)\b|\bthis (post|article|page) contains "
    r"(affiliate|references)\b)",
    re.IGNORECASE,
)
# ... and of NOTICE's (``site_notice``).
NOTICE_KEYS = (
    "sign up", "subscri", "already", "log", "download", "follow", " us", "letter", "hear ",
    "need your help", "help us", "advertise", "rights reserved", "copyrighted",
    "written permission", "©", "we may", "affiliate", "advertiser", "contains",
)  # fmt: skip
# A page's labels: "Last Modified: …", "Release Date:", "Category : Press Releases", "(Credit: …)".
LABEL = re.compile(
    r"\b(last modified|release date|news date|category)\s*:|^\(?((photo|image) )?credits?\s*:",
    re.IGNORECASE,
)
# A notice is at most this long (disclosures run to a paragraph); a label at most LABEL_WORDS.
NOTICE_WORDS = 60
LABEL_WORDS = 10
NOTICE_REASON = "site notice (sign-up, follow us, copyright, disclosure, label)"
# A stop and a capital after it: a line of two sentences or more is a paragraph, not a caption.
SECOND_SENTENCE = re.compile(r"(?<![A-Z])[.!?][\"'”’)]*\s+[\"“]?[A-Z]")  # not "Jane Q. Roe"
QUOTED = re.compile(r"[“”\"]")  # quoted speech is someone's words, not the site's
# A quotation, to the closing mark or the line's end: "God help us," he said (``is_prompt``).
QUOTATION = re.compile(r"[“\"„«][^”\"“»]*(?:[”\"“»]|$)")
CREDIT = re.compile(
    r"(getty images|\bafp\b|\breuters\b|\bap photo\b|associated press|\bbloomberg\b|"
    r"shutterstock|\bepa\b|\bphoto(graph)?:|\bcredit:|\bimage:|\bcourtesy\b|/ap\b|\bap/)",
    re.IGNORECASE,
)
CREDIT_BY = re.compile(r"(photo(graph)?|image|illustration) by\b", re.IGNORECASE)  # at the start
# "pictured", but not in a story's "she was pictured eating chips".
CAPTION_MARKER = re.compile(
    r",\s+(left|right|center|centre)\s*,|\((l|r|left|right)\)|"
    r"(?<!\bwas )(?<!\bwere )(?<!\bbeen )(?<!\bis )(?<!\bare )(?<!\bbe )\bpictured\b"
)
CREDIT_WORDS = 8  # a credit line is at most this long ("Photo by Jane Roe / Getty Images")
# A caption that ends in its credit: "… across its supply chain. Mike Blake/Reuters files".
CREDIT_AT_END = re.compile(
    r"\b[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3} ?/ ?(?:Reuters|AP|AFP|Getty Images|Bloomberg|EPA|"
    r"AAP|Xinhua)(?: files?| file photo)?\.?$",
    re.IGNORECASE,
)
CREDIT_IN_PARENS = re.compile(
    r"\(([^()]*(/|photo by|getty|reuters|afp|ap photo)[^()]*)\)\s*$", re.IGNORECASE
)
SIGNATURE = re.compile(
    r"^(with\s+(post\s+)?wires|.*contributed to this report\.?|.*\bwire services?\b\.?|"
    r"additional reporting by .*|reporting by .*; editing by .*)$",
    re.IGNORECASE,
)
# Prompts, captions and credits are short; a line longer than this is a paragraph of the body.
PARAGRAPH_WORDS = 40
# In an extractor's text, a prompt is a short line of its own ("Sign up for our newsletter").
PROMPT_WORDS = 12
NAME_TOKEN = re.compile(r"\b[A-Z][a-z]+\b")
# The author's biography below an article (English phrasing; other languages keep these lines).
# A person's name: two to four capitalised words, not opening with a pronoun or an article.
PERSON = (
    r"(?!(?:The|This|That|These|Those|It|He|She|They|We|There|Our|His|Her|Its|Their|A|An) )"
    r"[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}"
)
AUTHOR_HEADING = re.compile(rf"^(?:About the authors?|About {PERSON}|Written by .+)$")
BIOGRAPHY = re.compile(
    rf"^{PERSON} (?:(?:is|was) (?:a|an|the|also) |"
    rf"has (?:worked|been|written|covered|reported) |writes |covers |reports )"
)
BIOGRAPHY_WORDS = 100  # a longer last line is a paragraph of the story
# ... and its first sentence says what the person does for a living (not "Dezuka Suisan is a fun
# treasure trove of deep-fried goodies", a shop, nor "Martin Schulz is a former president of …").
ROLE = re.compile(
    r"\b(writer|reporter|editor|journalist|correspondent|columnist|author|contributor|producer|"
    r"host|anchor|critic|fellow|professor|lecturer|analyst|researcher|scientist|economist|"
    r"expert|attorney|lawyer|judge|advis[eo]r|freelance|blogger|photographer|founder|director|"
    r"intern|served|cover(s|ed|ing)|writ(es|ten|ing)|report(s|ed|ing)|news|magazine|newspaper|"
    r"books?|journalism|podcast)\b",
    re.IGNORECASE,
)


@dataclass
class Header:
    """What the top of a page says about itself: headline, author and local date/time."""

    title: str | None = None
    author: str | None = None
    published: str | None = None


def repeated_lines(
    documents: pd.DataFrame, *, min_pages: int = 3, min_share: float = 0.05
) -> set[tuple[str, str]]:
    """Return the (source, line) pairs that recur verbatim on many pages of one outlet.

    A line counts when it is on at least ``min_pages`` pages of the outlet and on at least
    ``min_share`` of them: on a large corpus that is strong evidence of boilerplate.
    """
    pages_per_line: Counter[tuple[str, str]] = Counter()
    pages_per_source: Counter[str] = Counter()
    for source, raw_text in zip(documents["source"], documents["raw_text"], strict=True):
        source = source or ""
        pages_per_source[source] += 1
        lines = {line.strip() for line in raw_text.split("\n") if line.strip()}
        pages_per_line.update((source, line) for line in lines)
    return {
        (source, line)
        for (source, line), pages in pages_per_line.items()
        if pages >= min_pages and pages >= min_share * pages_per_source[source]
    }


def _read_header(lines: list[str], known_title: str | None) -> tuple[dict[int, str], Header]:
    """Find the headline and byline near the top; return {line index: reason} and the header."""
    reasons: dict[int, str] = {}
    header = Header()
    top = [i for i, line in enumerate(lines[:40]) if line.strip()]
    byline_at = next((i for i in top if BYLINE.match(lines[i].strip())), None)
    if byline_at is not None:
        match = BYLINE.match(lines[byline_at].strip())
        header.author = match["author"].strip()
        if match["date"]:
            header.published = " ".join(filter(None, [match["date"], match["time"]]))
        reasons[byline_at] = "byline (author and date read from it)"
        before = [i for i in top if i < byline_at]
        if before and not is_sentence(lines[before[-1]]):
            title_at = before[-1]
            header.title = lines[title_at].strip()
            reasons[title_at] = "headline (kept as title)"
            for i in before[:-1]:
                reasons.setdefault(i, "page header above the headline")
    if header.title is None and top:
        first = lines[top[0]].strip()
        same_as_known = known_title and _squash(first) == _squash(known_title)
        if same_as_known or (not known_title and not is_sentence(first) and count_words(first) > 3):
            header.title = first
            reasons[top[0]] = "headline (kept as title)"
    return reasons, header


def _squash(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def _holds_any(line: str, keys: tuple[str, ...]) -> bool:
    lowered = line.lower()
    return any(key in lowered for key in keys)


def is_prompt(line: str) -> bool:
    """Return True when ``line`` holds a prompt or navigation (``PROMPT``) outside quotation.

    >>> is_prompt("Skip to content"), is_prompt("The talks resume.")
    (True, False)
    >>> is_prompt('"Help us find her," her father said.')
    False
    """
    return _holds_any(line, PROMPT_KEYS) and bool(PROMPT.search(QUOTATION.sub(" ", line)))


def site_notice(line: str) -> bool:
    """Return True when ``line`` is the site speaking to its reader or about itself.

    >>> site_notice("Follow us on Twitter @Example."), site_notice("He urged voters to sign up.")
    (True, False)
    """
    words = count_words(line)
    if words > NOTICE_WORDS or QUOTED.search(line):
        return False
    return (_holds_any(line, NOTICE_KEYS) and bool(NOTICE.search(line))) or (
        words <= LABEL_WORDS and bool(LABEL.search(line))
    )


def _line_reason(line: str) -> str | None:
    """Return why a line on its own is not article body, or None if it may be body."""
    if site_notice(line):
        return NOTICE_REASON
    if count_words(line) > PARAGRAPH_WORDS:
        return None  # a whole paragraph: "signed up" or a credit inside it is the story's
    if is_prompt(line):
        return "prompt or navigation"
    if SIGNATURE.match(line):
        return "signature"
    if (
        CREDIT_IN_PARENS.search(line)
        or CAPTION_MARKER.search(line)
        or ("/" in line and CREDIT_AT_END.search(line) and count_words(line) > CREDIT_WORDS)
    ):
        return "photo caption"
    credit = CREDIT_BY.match(line) or CREDIT.search(line)
    if credit and count_words(line) <= CREDIT_WORDS and not line.endswith("."):
        return "photo credit"
    return None


def _shared_names(first: str, second: str) -> int:
    return len(set(NAME_TOKEN.findall(first)) & set(NAME_TOKEN.findall(second)))


def _apply_context(lines: list[str], reasons: dict[int, str]) -> None:
    """Extend caption and prompt decisions to the lines their neighbours give away."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    caption_like = ("photo caption", "photo credit")
    for _ in range(2):
        for position, i in enumerate(filled):
            if i in reasons:
                continue
            line = lines[i].strip()
            before = filled[position - 1] if position > 0 else None
            after = filled[position + 1] if position + 1 < len(filled) else None
            reason_before = reasons.get(before, "") if before is not None else ""
            reason_after = reasons.get(after, "") if after is not None else ""
            short_plain = count_words(line) <= 30 and not QUOTED.search(line)
            if reason_after == "photo credit" and short_plain and not SECOND_SENTENCE.search(line):
                reasons[i] = "photo caption (above a credit)"
            elif reason_after.startswith("photo caption") and short_plain and not is_sentence(line):
                reasons[i] = "photo caption (its head, above the caption)"
            elif (
                reason_after.startswith("prompt")
                and not is_sentence(line)
                and lines[after].strip()[:1].islower()
            ):
                reasons[i] = "prompt or navigation (its first half: the sentence runs on into it)"
            elif (
                short_plain
                and reason_before.startswith(("not a sentence", "photo caption"))
                and count_words(lines[before]) >= 6
                and _shared_names(lines[before], line) >= 2
                and not CREDIT.search(lines[before])  # a caption with its credit is whole
            ):
                reasons[i] = "photo caption (below a caption head naming the same people)"
            elif (
                short_plain
                and reason_before.startswith(caption_like)
                and reason_after.startswith(caption_like)
            ):
                reasons[i] = "photo caption (between captions)"
            elif (
                short_plain
                and reason_before == "prompt or navigation"
                and reason_after == reason_before
            ):
                reasons[i] = "prompt or navigation (inside a block of prompts)"


# Documents that are whole pages (navigation and all), read by the line model; a record's text
# field is already an article and is read by the rules alone.
WHOLE_PAGE_KINDS = (None, "text", "html-page")


def clean_page(
    raw_text: str,
    *,
    title: str | None = None,
    boilerplate: set[str] | frozenset[str] = frozenset(),
    model: line_model.LineModel | None = None,
    use_model: bool = True,
) -> tuple[str, list[dict], Header]:
    """Return the clean body text, the dropped lines (dicts) and what the header said.

    Args:
        raw_text: the page or record text as read, lines separated by ``\\n``.
        title: the title known from metadata, if any (its line on the page is then dropped).
        boilerplate: lines known to repeat across this outlet's pages.
        model: the line model (default: the shipped one, ``kit/models/lines.json``).
        use_model: False for text that is already an article (a record's text field): the
            rules alone then read it.
    """
    lines = raw_text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    reasons, header = _read_header(lines, title)
    filled = [i for i, line in enumerate(lines) if line.strip()]
    body_score = body.model_reasons(lines, filled, reasons, model) if use_model else {}
    body_words = {i: count_words(lines[i]) for i in filled if i not in reasons}
    total_words = sum(body_words.values())
    words_above = 0
    box_end, box_reason = -1, ""
    near_body = _near(filled, body_words)
    for i in filled:
        line = lines[i].strip()
        # A footer marker the model already dropped still ends the article (or its box).
        by_model = i in reasons and reasons[i].startswith(MODEL_REASON)
        if i in reasons and not (by_model and _is_footer(line)):
            if by_model and i in near_body:
                # Beside the body, a line the rules can name (a credit, a signature) gets their
                # reason: the audit reads better and the context rules see it (a caption sits
                # above a credit).
                reasons[i] = _line_reason(line) or reasons[i]
            continue
        if i < box_end:
            reasons[i] = box_reason
            continue
        if _is_footer(line) and words_above > (0.5 * total_words if use_model else 0):
            resume = body.box_end(lines, filled, i, body_score, footer=not BOX.match(line))
            if resume is not None:
                box_end = resume
                box_reason = (
                    f"box of links (from line {i + 1}, {line!r}, to the body's next sentence)"
                )
                reasons[i] = box_reason
                continue
            for j in range(i, len(lines)):
                if lines[j].strip():
                    reasons[j] = f"after the article's end (footer from line {i + 1}: {line!r})"
            break
        if by_model:
            continue
        words_above += body_words.get(i, 0)
        reason = _line_reason(line)
        if reason is None and line in boilerplate:
            reason = "repeated on many pages of this outlet"
        if reason is None and not body_score and not is_sentence(line):
            reason = "not a sentence (headline, link, caption or label)"
        if reason is not None:
            reasons[i] = reason
    _apply_context(lines, reasons)
    if body_score:
        body.trim_edges(lines, filled, reasons, body_score)
    _drop_biography(lines, filled, reasons)
    return _result(lines, reasons, header)


def _is_footer(line: str) -> bool:
    """Return True for a footer marker ("Most Read") or an author heading ("About the author")."""
    return bool(FOOTER.match(line) or AUTHOR_HEADING.match(line))


def is_biography(line: str) -> bool:
    """Return True when ``line``, an article's last, reads as its author's biography.

    >>> is_biography("Jane Roe is a senior writer for the Herald."), is_biography("He is a liar.")
    (True, False)
    """
    return (
        bool(BIOGRAPHY.match(line))
        and count_words(line) <= BIOGRAPHY_WORDS
        and bool(ROLE.search(SECOND_SENTENCE.split(line, maxsplit=1)[0]))
    )


def _drop_biography(lines: list[str], filled: list[int], reasons: dict[int, str]) -> None:
    """Drop the article's last line if it is its author's biography ("Jane Roe is a …")."""
    kept = [i for i in filled if i not in reasons]
    if len(kept) > 1 and is_biography(lines[kept[-1]].strip()):
        reasons[kept[-1]] = "the author's biography (the article's last line)"


def _near(filled: list[int], kept: dict[int, int], reach: int = 2) -> set[int]:
    """Return the lines within ``reach`` lines (empty ones aside) of a ``kept`` line."""
    return {
        filled[at]
        for position, i in enumerate(filled)
        if i in kept
        for at in range(max(position - reach, 0), min(position + reach + 1, len(filled)))
    }


def clean_extracted(
    raw_text: str, *, boilerplate: set[str] | frozenset[str] = frozenset()
) -> tuple[str, list[dict], Header]:
    """Return an HTML extractor's text with only what it demonstrably misses removed.

    That is: lines repeated verbatim on many pages of the outlet, short prompts and site
    notices (``site_notice``).

    >>> clean_extracted("It rained.\\nSubscribe to our newsletter")[0]
    'It rained.'
    """
    lines = raw_text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    reasons: dict[int, str] = {}
    for i, raw_line in enumerate(lines):
        line = raw_line.strip()
        if not line:
            continue
        if line in boilerplate:
            reasons[i] = "repeated on many pages of this outlet"
        elif count_words(line) <= PROMPT_WORDS and is_prompt(line):
            reasons[i] = "prompt or navigation"
        elif site_notice(line):
            reasons[i] = NOTICE_REASON
    return _result(lines, reasons, Header())


def _result(
    lines: list[str], reasons: dict[int, str], header: Header
) -> tuple[str, list[dict], Header]:
    kept = [line.strip() for i, line in enumerate(lines) if line.strip() and i not in reasons]
    dropped = [
        {"line_no": i + 1, "text": lines[i].strip(), "reason": reason}
        for i, reason in sorted(reasons.items())
    ]
    return "\n\n".join(kept), dropped, header


def _local_time(text: str, zone: str | None, document: dict, problems: list[dict]) -> pd.Timestamp:
    """Return a date/time printed on a page, read in the outlet's time zone, as UTC.

    A date that does not exist, or a time a daylight-saving change makes ambiguous, is
    appended to ``problems`` (the latter resolved the same way every time).
    """
    try:
        stamp, notes = read_printed(text, zone)
    except (ValueError, TypeError) as error:
        stamp, notes = pd.NaT, (f"{text!r} is not a real date ({error}); it was not used",)
    for note in notes:
        path, line = document.get("path"), document.get("line")
        problems.append(
            {"path": path, "line": line, "reason": f"{where(path, line)}: byline date {note}"}
        )
    return stamp


def clean_documents(
    documents: pd.DataFrame, *, min_pages: int = 3
) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Return (articles, dropped, problems) from the raw documents a reader gave.

    ``articles`` has the clean ``text`` and ``n_words``; a page's own headline, byline and
    printed date fill ``title``, ``author`` and ``published`` (a printed time beats a bare
    date from the manifest). An article left with no text is a problem, not a silent drop.
    """
    boilerplate = repeated_lines(documents, min_pages=min_pages)
    records, dropped_rows, problems = [], [], []
    for document in documents.to_dict("records"):
        source = document.get("source") or ""
        page_boilerplate = {line for (outlet, line) in boilerplate if outlet == source}
        if document.get("kind") == "html":
            text, dropped, header = clean_extracted(
                document["raw_text"], boilerplate=page_boilerplate
            )
        else:
            text, dropped, header = clean_page(
                document["raw_text"],
                title=document.get("title"),
                boilerplate=page_boilerplate,
                use_model=document.get("kind") in WHOLE_PAGE_KINDS,
            )
        dropped_rows.extend({"doc_id": document["doc_id"], **row} for row in dropped)
        if not text:
            problems.append(
                {
                    "path": document.get("path"),
                    "line": document.get("line"),
                    "reason": f"{where(document.get('path'), document.get('line'))}: "
                    "nothing left after cleaning "
                    f"({len(dropped)} lines dropped, see corpus.dropped); "
                    "check that the file holds an article body",
                }
            )
            continue
        document["title"] = document.get("title") or header.title
        document["author"] = document.get("author") or header.author
        if header.published:
            printed = _local_time(header.published, document.get("timezone"), document, problems)
            if pd.notna(printed):
                document["published"] = printed
        document["text"] = text
        document["n_words"] = count_words(text)
        records.append(document)
    articles = pd.DataFrame.from_records(records) if records else documents.iloc[:0].copy()
    for column in ("text", "n_words"):
        if column not in articles:
            articles[column] = pd.Series(dtype="object" if column == "text" else "int64")
    articles["published"] = pd.to_datetime(articles["published"], utc=True)
    dropped_frame = pd.DataFrame(dropped_rows, columns=DROPPED_COLUMNS)
    return articles, dropped_frame, problems
