"""Near-duplicate linking on small inline articles."""

import polars as pl
from polars.testing import assert_frame_equal

from transforms.duplicates import link_near_duplicates

STORY = [
    "Commerce Secretary Howard Lutnick said the H20 chip sales would resume soon, officials confirmed.",
    "The agreement on rare earth magnets was reached in London in June after two days of talks.",
    "Nvidia said it would begin deliveries once the licenses are granted by the Commerce Department.",
]


def articles(**bodies: str) -> pl.LazyFrame:
    return pl.LazyFrame({"article_id": list(bodies), "source_name": [f"{k}.txt" for k in bodies],
                         "body": list(bodies.values())})


def test_a_repost_with_small_changes_links_to_the_first_copy():
    repost = "\n\n".join(["Reposted headline", *STORY[:2], STORY[2].replace("soon", "shortly") + " Extra."])
    got = link_near_duplicates(articles(a="\n\n".join(STORY), b=repost, c="Another story entirely about "
                                        "something else, with enough words to count as a paragraph.")).collect()
    assert_frame_equal(got.select("article_id", "near_duplicate_of"),
                       pl.DataFrame({"article_id": ["a", "b", "c"], "near_duplicate_of": [None, "a", None]}))


def test_sharing_one_paragraph_of_three_is_not_a_duplicate():
    other = "\n\n".join([STORY[0], "A different second paragraph about tariffs on steel and aluminium imports.",
                         "And a different third paragraph about semiconductors made in Taiwan and Korea."])
    got = link_near_duplicates(articles(a="\n\n".join(STORY), b=other)).collect()
    assert got["near_duplicate_of"].to_list() == [None, None]
