"""General English news vocabulary used to find speakers: speech verbs, roles, org words, place words.

Nothing here names a person or an article: these are closed word classes of news prose, kept in one
place so the quote and people transforms read as rules rather than word lists. Lists are written
as comma-separated phrases (see `phrases`) so they stay compact under any formatter.
"""

import re


def phrases(text: str) -> tuple[str, ...]:
    """'said, pointed out,\n told' -> ('said', 'pointed out', 'told'): a word list that reads like prose."""
    return tuple(p for p in (" ".join(part.split()) for part in text.split(",")) if p)


def word_set(text: str) -> frozenset[str]:
    """`phrases` as a set, for membership tests."""
    return frozenset(phrases(text))


def alternation(words: list[str] | tuple[str, ...]) -> str:
    """Regex alternation of literal phrases, longest first so 'chief executive officer' beats 'chief'."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


# --- speech --------------------------------------------------------------------------------------

# Finite forms that introduce speech: "X said", "said X", "X told Reuters", "X pointed out that".
# Forms that are also common nouns ("states", "notes", "reports", "claims") are left out.
SPEECH_VERBS: tuple[str, ...] = phrases("""
    said, says, say, told, tells, added, adds, stated, emphasized, emphasised, emphasizes, emphasises,
    stressed, stresses, explained, explains, noted, warned, warns, claimed, revealed, reveals, argued,
    argues, commented, pointed out, points out, insisted, insists, asserted, asserts, declared,
    declares, announced, announces, confirmed, confirms, denied, denies, acknowledged, acknowledges,
    admitted, admits, remarked, observed, observes, wrote, writes, tweeted, asked, asks, replied,
    replies, responded, responds, answered, continued, concluded, suggested, suggests, predicted,
    predicts, recalled, urged, urges, cautioned, contended, maintained, maintains, complained,
    assured, assures, promised, vowed, pledged, reported, testified, joked, quipped, boasted,
    reiterated, reiterates, highlighted, highlights, mentioned, indicated, underscored, clarified,
    conceded, countered, retorted, lamented, affirmed, alleged, expressed concern, expressed concerns,
    expressed hope, expressed confidence, expressed doubt, expressed optimism, expressed skepticism,
    expressed frustration, voiced concern, raised concern, raised concerns
""")

# Participles that continue the current speaker: '..., adding, "..."', 'stating that ...'.
CONTINUATION_VERBS: tuple[str, ...] = phrases("""
    adding, saying, stating, noting, explaining, emphasizing, emphasising, stressing, warning,
    arguing, insisting, asserting, declaring, claiming, pointing out, remarking, observing, writing,
    asking, continuing, concluding, suggesting, telling, revealing, acknowledging, admitting,
    underscoring, reiterating, highlighting, predicting, recalling, urging, cautioning, complaining,
    vowing, expressing concern, expressing hope
""")

# Verbs that take the hearer as object before the reported clause: "told Reuters that ...".
OBJECT_SPEECH_VERBS: tuple[str, ...] = phrases("""
    told, tells, telling, assured, assures, urged, warned
""")

# Words allowed between a subject and its speech verb: "Besant also said", "He further explained".
SUBJECT_VERB_FILLERS: tuple[str, ...] = phrases("""
    also, further, then, later, again, once, even, still, previously, earlier, has, had, have, would,
    will, did, does, not, been, repeatedly, recently, reportedly, publicly, privately, separately,
    firmly, strongly, flatly, bluntly, simply, openly, directly, subsequently, similarly, likewise,
    too, himself, herself, themselves, itself
""")

# --- people --------------------------------------------------------------------------------------

# Role and office words: "Commerce Secretary X", "X, CEO of Y", "economist X". Lowercase; matched
# case-insensitively as whole words.
ROLE_WORDS: tuple[str, ...] = phrases("""
    president, vice president, president-elect, prime minister, premier, chancellor, minister,
    secretary, secretary-general, secretary general, undersecretary, under secretary, deputy,
    ambassador, envoy, governor, mayor, senator, sen., congressman, congresswoman, congressperson,
    representative, rep., lawmaker, legislator, speaker, leader, chairman, chairwoman, chairperson,
    chair, ceo, cfo, cto, coo, chief executive officer, chief executive, chief financial officer,
    chief operating officer, chief technology officer, chief economist, chief, executive, director,
    managing director, founder, co-founder, cofounder, head, spokesperson, spokesman, spokeswoman,
    official, commissioner, attorney general, attorney, judge, justice, admiral, colonel, commander,
    professor, prof., economist, analyst, strategist, researcher, scientist, adviser, advisor, aide,
    czar, tsar, treasurer, negotiator, diplomat, king, queen, prince, princess, emperor, pope,
    partner, editor, columnist, journalist, correspondent, lawyer, counsel, candidate, nominee,
    investor, billionaire, entrepreneur, owner, coach
""")

# Portfolio words of ministries and departments ("Commerce Secretary", "Minister of Finance"): part of
# a role, never of a name, so "Rutnik Commerce Secretary" splits into a name and a role.
PORTFOLIO_WORDS: tuple[str, ...] = phrases("""
    commerce, treasury, state, defense, defence, finance, foreign, trade, justice, energy,
    agriculture, labor, labour, interior, education, health, transportation, transport, industry,
    economy, unification, security, homeland, environment, housing, veterans, affairs, culture,
    science, technology, innovation, home, exterior, economic, national, public, information,
    communications
""")

# Lowercase modifiers that may precede a role word in a title: "former Commerce Secretary".
ROLE_MODIFIERS: tuple[str, ...] = phrases("""
    former, acting, deputy, then, incoming, outgoing, interim, senior, top, vice, assistant,
    associate, lead, principal, special, longtime, founding, co
""")

# Role synonyms folded to one key so "Chief Executive" and "CEO", "Minister" and "Secretary" agree.
ROLE_SYNONYMS: dict[str, str] = {
    "chief executive officer": "ceo",
    "chief executive": "ceo",
    "executive": "ceo",
    "minister": "secretary",
    "undersecretary": "secretary",
    "under secretary": "secretary",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "chairwoman": "chairman",
    "chairperson": "chairman",
    "chair": "chairman",
    "advisor": "adviser",
    "tsar": "czar",
    "congresswoman": "congressman",
    "congressperson": "congressman",
    "representative": "congressman",
    "rep.": "congressman",
    "sen.": "senator",
    "prof.": "professor",
    "co-founder": "founder",
    "cofounder": "founder",
    "head": "head",
}

# Words of a role phrase that carry no identity: "the U.S. Secretary of the Treasury" -> {secretary,
# treasury}.
ROLE_STOPWORDS: frozenset[str] = word_set("""
    a, acting, an, and, at, current, deputy, for, former, her, his, in, its, new, of, on, our, s,
    senior, states, the, their, then, to, top, u.s, u.s., united, us, us.
""")

# Titles that tell a person's gender, for pronoun agreement.
MALE_TITLES: frozenset[str] = word_set("""
    chairman, congressman, emperor, king, lord, mr, mr., pope, prince, sir, spokesman
""")

FEMALE_TITLES: frozenset[str] = word_set("""
    chairwoman, congresswoman, dame, lady, madam, miss, mrs, mrs., ms, ms., princess, queen,
    spokeswoman
""")

# Heads of organisation names ("Commerce Department", "Wall Street Journal"); a capitalized run
# ending in one is an organisation, and "Trump administration" is an organisation named after a person.
ORG_WORDS: tuple[str, ...] = phrases("""
    administration, department, ministry, government, house, office, agency, commission, committee,
    council, congress, senate, parliament, assembly, court, company, corporation, corp, inc, ltd, llc,
    plc, group, bank, fund, university, institute, journal, times, post, news, tv, television,
    network, association, federation, union, party, army, navy, bureau, board, authority, exchange,
    foundation, center, centre, school, college, embassy, police, cabinet, campaign, club,
    organization, organisation, service, services, forces, industries, holdings, technologies,
    systems, motors, airlines, labs, laboratories, capital, partners, securities, media, press, daily,
    herald, tribune, gazette, magazine, review, street, valley, coalition, alliance, reserve,
    treasury, pentagon
""")

# A person's name used as a modifier of these words names a group, not the person speaking.
PERSON_ORG_HEADS: tuple[str, ...] = phrases("""
    administration, government, campaign, cabinet, presidency, era, team, camp, family, white house,
    doctrine, policy, policies, tariffs
""")

# Unnamed sources: a quote attributed to them has no person speaker but a speaker_org.
UNNAMED_SOURCE_NOUNS: tuple[str, ...] = phrases("""
    official, officials, spokesperson, spokesman, spokeswoman, source, sources, people, person,
    analyst, analysts, expert, experts, critic, critics, observer, observers, insider, insiders,
    executive, executives, aide, aides, diplomat, diplomats, lawmaker, lawmakers, negotiator,
    negotiators, statement, report, reports, side, spokespeople, representatives, representative,
    economists
""")

# Capitalized words that start sentences or name times, and acronyms, never people. Lowercased before
# name runs are found so "However Trump", "In January" or "chief AI scientist" does not become a name.
NON_NAME_WORDS: tuple[str, ...] = phrases("""
    The, A, An, This, That, These, Those, It, Its, In, On, At, For, From, With, By, Of, To, As, After,
    Before, During, Since, While, When, Where, If, But, And, Or, However, Meanwhile, Moreover,
    Furthermore, Also, According, Previously, Afterwards, Nevertheless, Regarding, Despite, Although,
    Though, Even, Yet, Still, Some, Many, Most, Other, Others, Such, Both, Each, Every, All, Few,
    Several, He, She, They, We, I, You, His, Her, Their, Our, My, There, Here, What, Why, How, Who,
    Which, Then, Now, Today, Yesterday, Tomorrow, Last, Next, Under, Over, Between, Among, Against,
    Without, Through, Unlike, Like, Amid, Following, Besides, Instead, Indeed, Thus, Therefore,
    Earlier, Later, Recently, Currently, Initially, Finally, Overall, Sources, January, February,
    March, April, May, June, July, August, September, October, November, December, Monday, Tuesday,
    Wednesday, Thursday, Friday, Saturday, Sunday, Mr, Mrs, Ms, Dr,
    AI, EU, UN, GDP, IPO, ETF, API
""")

# Words of place names; a capitalized run made only of these is a place ("New York", "Hong Kong").
PLACE_WORDS: frozenset[str] = word_set("""
    africa, america, angeles, arabia, asia, australia, beijing, berlin, brazil, britain, brussels,
    canada, china, city, costa, county, delhi, east, egypt, el, england, europe, france, francisco,
    geneva, germany, hong, india, indonesia, iran, iraq, island, islands, israel, italy, japan,
    jersey, kingdom, kong, korea, lanka, las, latin, london, los, malaysia, mexico, middle, moscow,
    netherlands, new, north, paris, philippines, puerto, rica, rico, russia, salvador, san, santa,
    saudi, seoul, shanghai, silicon, singapore, south, south-east, southeast, spain, sri, states,
    street, switzerland, taipei, taiwan, thailand, tokyo, turkey, ukraine, united, valley, vietnam,
    wall, washington, west, york, zealand
""")

# Months and weekdays: capitalized, never a person on their own.
CALENDAR_WORDS: frozenset[str] = word_set("""
    april, august, december, february, friday, january, july, june, march, may, monday, november,
    october, saturday, september, sunday, thursday, tuesday, wednesday
""")

# Common Chinese (pinyin) and Korean family names: a name that starts with one is written surname first,
# and its last word is a romanised given name, which English sound rules (metaphone) cannot compare.
EAST_ASIAN_FAMILY_NAMES: frozenset[str] = word_set("""
    ahn, bae, baek, cai, cao, cha, chang, chen, cheng, cho, choi, chung, dai, deng, ding, dong, du, fan,
    feng, fu, gao, gong, guo, ha, han, he, heo, hong, hu, hua, huang, hwang, im, jang, jeon, jeong, jiang,
    jin, jo, jung, kang, kim, ko, kwak, kwon, lee, li, liang, lim, lin, liu, lu, luo, ma, meng, min,
    moon, nam, noh, oh, pan, park, peng, qian, qin, ren, ryu, seo, shen, shi, shin, son, song, su, sun,
    sung, tan, tang, tian, wang, wei, wen, woo, wu, xia, xiao, xie, xu, xue, yang, yao, ye, yi, yoo,
    yoon, yu, yuan, yun, zeng, zhang, zhao, zheng, zhou, zhu
""")

# Role words that are also common surnames (King, Lord, ...): kept capitalized so names survive.
SURNAME_LIKE_ROLES: frozenset[str] = word_set("""
    coach, dame, emperor, judge, king, lady, lord, owner, partner, pope, prince, princess, queen, sir
""")

# Words before a name that make it an object or a modifier rather than the one speaking.
OBJECT_PRECEDERS: tuple[str, ...] = phrases("""
    on, to, with, by, for, of, from, about, at, against, than, like, between, among, toward, towards,
    into, under, over, upon, via, met, meet, meets, meeting, told, tells, urged, asked, thanked,
    called, visited, persuade, persuaded, praised, criticized, criticised, blamed, replaced,
    appointed, nominated, named, fired, hired, joined, beat, defeated, and, or
""")

# Words after which a capitalized quote is a title, not speech: 'the film "Made in China 2025"'.
TITLE_PRECEDERS: tuple[str, ...] = phrases("""
    titled, entitled, called, dubbed, named, nicknamed, labelled, labeled, branded, book, film, movie,
    song, album, show, series, report, slogan, motto, campaign, program, programme, initiative,
    project, operation, policy, plan, strategy, act, bill, law, the, a, an, its, their, his, her, our
""")
