"""Word lists and story templates for The Daily Demo. Everything here is fictional.

A :class:`StoryKind` is a family of stories (a council budget row, a flood, a trial, ...).
Templates use ``str.format`` slots filled once per story by :mod:`newsdiffs.demo.story`:
``{town} {town2} {person} {role} {person2} {role2} {org} {day} {n1} {n2} {pct} {amount}
{quote} {quote2}``. Body paragraphs are picked in order, so a story reads top to bottom.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoryKind:
    section: str
    headlines: tuple[str, ...]  # first is the original; the rest are rewrites
    ledes: tuple[str, ...]
    body: tuple[str, ...]  # at least 11, so a story can have 12 paragraphs
    quotes: tuple[str, ...]  # at least 3: two are used, the rest replace them in edits
    updates: tuple[str, ...]  # appended paragraphs of a developing story
    corrections: tuple[str, ...]  # what "an earlier version of this article misstated"
    orgs: tuple[str, ...]  # "{town}" inside is filled in
    roles: tuple[str, ...]


FIRST_NAMES = (
    "Amara", "Ben", "Carys", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonah",
    "Kemi", "Leo", "Maya", "Niall", "Olga", "Priya", "Quentin", "Rosa", "Sami", "Tessa",
    "Umar", "Vera", "Wes", "Ximena", "Yusuf", "Zoe", "Aled", "Bryony", "Cormac", "Delia",
)  # fmt: skip
LAST_NAMES = (
    "Achebe", "Brennan", "Castell", "Dunmore", "Ekwueme", "Fairlie", "Garrow", "Haldane",
    "Iqbal", "Jessop", "Kowalczyk", "Lindqvist", "Maddox", "Nakamura", "Okafor", "Pennock",
    "Quarry", "Rahman", "Sefton", "Thackeray", "Ulloa", "Varga", "Whitlock", "Yarrow",
    "Zeller", "Ashdown", "Belcourt", "Corrigan", "Delaney", "Ellery",
)  # fmt: skip
TOWNS = (
    "Millbrook", "Eastvale", "Port Selwyn", "Kestrel Ridge", "Linden Falls", "Ashford Cross",
    "Northmere", "Harrowgate Bay", "Caldwick", "Upper Fenning", "Brackenford", "Sallow Point",
    "Greywater", "Thornbury Vale", "Oakhollow", "Westmarch", "Redfern Quay", "Dunhallow",
)  # fmt: skip
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
REPORTERS = tuple(
    f"{first} {last}" for first, last in zip(FIRST_NAMES, reversed(LAST_NAMES), strict=True)
)

# Quotes any story may switch to when a quote is "changed" in an edit.
GENERIC_QUOTES = (
    "We are looking at every option and will say more when we can",
    "Nobody should be in any doubt about how seriously we take this",
    "This is not the end of the conversation, it is the start of one",
    "People deserve straight answers and that is what we intend to give them",
)

RELATED_TEASERS = (
    "Ten walks to try before the weather turns",
    "What the new parking rules mean for you",
    "Inside the bakery that never closes",
    "The quiet return of the village cinema",
    "How to read your energy bill",
    "Photos: the week in pictures",
    "Letters: readers on the harbour plan",
    "Opinion: slow news is good news",
    "Quiz: how well do you know your region?",
    "The best of the weekend markets",
)
AD_LINES = (
    "Switch and save on home insurance today",
    "Spring sale: up to 40% off garden furniture",
    "Learn a language in ten minutes a day",
    "Book your winter break with Demo Travel",
    "The Daily Demo app: news on the go",
    "Try our crossword, free for a month",
)

STORY_KINDS: tuple[StoryKind, ...] = (
    StoryKind(
        section="Politics",
        headlines=(
            "{town} council approves {amount} budget after late-night vote",
            "{town} budget passes by narrow margin as councillors clash",
            "Council tax to rise {pct}% in {town} after budget approved",
        ),
        ledes=(
            "Councillors in {town} approved a {amount} budget in the early hours of {day} "
            "after a debate that ran for more than {n1} hours.",
            "{town}'s council has passed its annual budget, worth {amount}, following a "
            "marathon session that ended shortly before dawn on {day}.",
        ),
        body=(
            "The plan raises council tax by {pct}% and sets aside money for road repairs, "
            "library opening hours and a new youth centre in the east of the town.",
            "Opposition members had tabled {n1} amendments, most of which were defeated. One, "
            "protecting funding for rural bus routes, was accepted without a vote.",
            "“{quote},” said {person}, the council's {role}, as the final vote was counted.",
            "The {org} has warned for months that rising costs for adult social care would "
            "squeeze every other service, and officers said that pressure had not gone away.",
            "Around {n2} residents responded to the public consultation held in the autumn, "
            "with potholes and street lighting the most common complaints.",
            "{person2}, {role2}, said the settlement from central government had fallen short "
            "for the third year in a row.",
            "“{quote2},” {person2} added.",
            "The budget includes a one-off fund to help small businesses on the high street, "
            "which have struggled since the closure of the indoor market.",
            "Some councillors questioned whether the savings targets were realistic, pointing "
            "to overspends in previous years.",
            "Officers will report on progress against the plan at a meeting in the summer.",
            "The council's reserves stand at about {n1}% of its annual spending, which auditors "
            "have described as adequate but not generous.",
            "Residents will see the new charges on bills that arrive in the spring.",
        ),
        quotes=(
            "This is a budget that protects the services people rely on most",
            "We have made hard choices so that we do not have to make harder ones next year",
            "Every penny in this plan has been argued over, and rightly so",
        ),
        updates=(
            "Later on {day}, the opposition group said it would ask for the decision to be "
            "reviewed by the council's scrutiny committee.",
            "The {org} confirmed on {day} evening that the first payments from the high "
            "street fund would be made within six weeks.",
            "{person} has since said the council will publish a line-by-line breakdown of the "
            "savings online.",
        ),
        corrections=(
            "the size of the council tax increase",
            "the number of amendments tabled by opposition members",
            "the title of {person2}",
        ),
        orgs=("{town} District Council", "{town} Borough Council"),
        roles=("leader", "finance lead", "deputy leader", "cabinet member for resources"),
    ),
    StoryKind(
        section="Transport",
        headlines=(
            "Rail line between {town} and {town2} to close for {n1} weeks",
            "{town} rail closure: what passengers need to know",
            "Weeks of disruption ahead as {town} line shuts for repairs",
        ),
        ledes=(
            "The railway between {town} and {town2} will close for {n1} weeks from next "
            "{day} while engineers replace a bridge and a stretch of worn track.",
            "Passengers between {town} and {town2} face {n1} weeks without trains after the "
            "{org} confirmed a full closure of the line for repairs.",
        ),
        body=(
            "Replacement buses will run every {n1} minutes at peak times, the operator said, "
            "adding as much as {n1} minutes to some journeys.",
            "The work, costing {amount}, was originally planned for last year but was "
            "postponed after a shortage of specialist contractors.",
            "“{quote},” said {person}, the {org}'s {role}.",
            "About {n2} people use the line on a typical weekday, many of them commuters and "
            "students travelling to the college in {town2}.",
            "Local businesses near the stations have asked for signs directing visitors to the "
            "replacement bus stops, which in some places are a short walk away.",
            "{person2}, {role2}, said the group had been promised that the closure would not "
            "be extended.",
            "“{quote2},” {person2} said.",
            "Season ticket holders will be offered a refund of {pct}% for the weeks affected.",
            "Freight trains serving the quarry outside {town} will be diverted via a longer "
            "route during the works.",
            "The operator said the new bridge would allow faster trains and remove a speed "
            "restriction that has been in place for {n1} years.",
            "Journey planners and timetables will be updated by the end of the week.",
            "Cyclists have been advised that the towpath beside the bridge will also close.",
        ),
        quotes=(
            "We know this will be difficult and we are sorry for the disruption",
            "Doing all the work at once means we are finished months sooner",
            "The alternative was years of weekend closures, and passengers told us not to do that",
        ),
        updates=(
            "The {org} said on {day} that an extra late-evening bus would be added after "
            "complaints from shift workers.",
            "Engineers have since confirmed that the old bridge will be lifted out in a single "
            "overnight operation.",
            "{person} said on {day} afternoon that the closure remained on schedule.",
        ),
        corrections=(
            "the length of the closure",
            "the cost of the engineering work",
            "the number of passengers who use the line",
        ),
        orgs=("{town} Rail Partnership", "Western Lines Authority", "{town} Transit Board"),
        roles=("operations director", "route manager", "chief executive", "spokesperson"),
    ),
    StoryKind(
        section="Weather",
        headlines=(
            "Flood warnings issued for {town} as river keeps rising",
            "{town} braces for flooding after {n1} hours of heavy rain",
            "Residents in {town} told to prepare as river nears record level",
        ),
        ledes=(
            "Flood warnings are in place for {town} and the villages around it after the "
            "river rose by more than {n1} centimetres overnight.",
            "People living near the river in {town} have been told to move belongings "
            "upstairs as water levels continue to climb after days of rain.",
        ),
        body=(
            "The {org} said {n2} homes were at risk and that sandbags were being handed out "
            "from the leisure centre car park.",
            "Forecasters expect another band of rain to arrive on {day}, bringing up to "
            "{n1} millimetres in places.",
            "“{quote},” said {person}, {role} at the {org}.",
            "Several roads between {town} and {town2} were closed on {day} morning, and "
            "school buses were cancelled.",
            "Volunteers from the lifeboat station have been checking on older residents in the "
            "lower part of the town.",
            "{person2}, who has lived beside the river for {n1} years, said she had never seen "
            "the water so high so early in the season.",
            "“{quote2},” she said.",
            "Insurers said claims from the area had risen by {pct}% since the last major flood.",
            "The flood barrier completed three years ago is expected to protect the town "
            "centre, although engineers will monitor it through the night.",
            "Drivers have been warned not to attempt to cross flooded roads.",
            "A rest centre has been opened at the community hall for anyone who needs to leave "
            "their home.",
            "Updates will be posted by the {org} every three hours.",
        ),
        quotes=(
            "Please take the warnings seriously and do not wait until the water is at the door",
            "The next twenty-four hours will be critical",
            "We have crews ready and we will be out all night",
        ),
        updates=(
            "By {day} evening the river had peaked just below the top of the barrier, the "
            "{org} said.",
            "Two families were helped from their homes by firefighters on {day} night. "
            "Nobody was hurt.",
            "The warnings for the villages north of {town} were lowered to alerts later on {day}.",
        ),
        corrections=(
            "how far the river had risen overnight",
            "the number of homes at risk",
            "the location of the sandbag collection point",
        ),
        orgs=("{town} Flood Agency", "River Authority", "{town} Emergency Partnership"),
        roles=("duty manager", "flood officer", "area director"),
    ),
    StoryKind(
        section="Business",
        headlines=(
            "{org} to cut {n2} jobs at {town} plant",
            "Hundreds of jobs at risk as {org} reviews {town} factory",
            "{town} factory job cuts a 'hammer blow', say unions",
        ),
        ledes=(
            "{org} plans to cut {n2} jobs at its plant in {town}, blaming falling orders "
            "and higher energy costs.",
            "Workers at the {org} factory in {town} were told on {day} that {n2} of their "
            "roles could go under a restructuring plan.",
        ),
        body=(
            "The company employs about {n2} people at the site, which makes parts for "
            "agricultural machinery and has operated in {town} for decades.",
            "A consultation with staff will last {n1} days, after which the company will "
            "decide how many of the cuts can be made through voluntary redundancy.",
            "“{quote},” said {person}, the company's {role}.",
            "Orders fell by {pct}% last year as customers delayed spending on new equipment.",
            "{person2}, {role2}, said the news had come as a shock to the workforce.",
            "“{quote2},” {person2} said.",
            "The local MP said she would seek an urgent meeting with the company's owners.",
            "Suppliers in {town2} that depend on the plant are also expected to be affected.",
            "The company said it remained committed to {town} and would keep its research "
            "team at the site.",
            "It reported a loss of {amount} in its most recent accounts.",
            "A jobs fair for affected workers is being organised by the chamber of commerce.",
            "Shares in the parent group were little changed on {day}.",
        ),
        quotes=(
            "These are difficult decisions and we do not take them lightly",
            "Our priority is to protect the long-term future of the site",
            "We will support every colleague affected through this process",
        ),
        updates=(
            "The union said on {day} it would ballot members on industrial action.",
            "The company later said that {n1} of the roles could be moved to its warehouse in "
            "{town2} rather than cut.",
            "{person} is due to meet local representatives on {day}.",
        ),
        corrections=(
            "the number of jobs at risk",
            "the length of the staff consultation",
            "the size of the company's loss",
        ),
        orgs=("Harland Agritech", "Fenwick Components", "{town} Castings", "Norland Engineering"),
        roles=("managing director", "site director", "chief operating officer"),
    ),
    StoryKind(
        section="Health",
        headlines=(
            "{town} hospital waiting times rise for another month",
            "Patients in {town} waiting longer for routine operations",
            "{town} hospital sets out plan to cut waiting lists",
        ),
        ledes=(
            "Waiting times at {town} General Hospital have risen again, with {n2} patients "
            "now waiting more than a year for routine treatment.",
            "More patients are waiting longer for planned operations at {town} General "
            "Hospital, new figures published on {day} show.",
        ),
        body=(
            "The figures, published by the {org}, show the average wait for a hip or knee "
            "replacement has grown to {n1} weeks.",
            "Staff shortages in anaesthetics and a rise in emergency admissions were blamed for "
            "the increase.",
            "“{quote},” said {person}, the hospital's {role}.",
            "The trust plans to open {n1} extra beds and run weekend operating lists from next "
            "month, at a cost of {amount}.",
            "{person2}, {role2}, said patients were being left in pain for too long.",
            "“{quote2},” {person2} said.",
            "Some patients have been offered treatment at a private hospital in {town2}, paid "
            "for by the health service.",
            "Attendances at the emergency department were up {pct}% on the same month last year.",
            "The trust said cancer treatment targets were still being met.",
            "A new diagnostic centre in the town's shopping centre is due to open in the spring.",
            "Patients with concerns about their wait are advised to contact their GP.",
            "The board will discuss the figures at its next public meeting.",
        ),
        quotes=(
            "We are sorry that patients are waiting longer than we would like",
            "Our staff are working incredibly hard, and we are recruiting as fast as we can",
            "We expect to see waits start to come down by the end of the year",
        ),
        updates=(
            "The trust said on {day} that it had recruited {n1} more nurses from overseas.",
            "The health minister is due to visit the hospital on {day}.",
            "{person} later said the weekend lists would start a fortnight earlier than planned.",
        ),
        corrections=(
            "the number of patients waiting more than a year",
            "the average wait for a hip replacement",
            "the cost of the extra beds",
        ),
        orgs=("{town} Health Board", "Regional Health Authority", "{town} Hospitals Trust"),
        roles=("chief executive", "medical director", "director of operations"),
    ),
    StoryKind(
        section="Science",
        headlines=(
            "{town} scientists find new species of beetle in ancient woodland",
            "Rare beetle discovered in {town} woodland surprises experts",
            "'Hidden' beetle species found just miles from {town}",
        ),
        ledes=(
            "Researchers from the University of {town} have identified a species of beetle "
            "never before recorded, living in a patch of ancient woodland near {town2}.",
            "A beetle found in woodland near {town2} is new to science, according to a team "
            "at the University of {town}.",
        ),
        body=(
            "The insect, which is about {n1} millimetres long, lives in rotting oak and feeds on "
            "a fungus found in only a handful of sites.",
            "The team collected {n2} samples over three summers before confirming the find.",
            "“{quote},” said {person}, a {role} who led the study.",
            "The findings were published on {day} in a peer-reviewed journal.",
            "The woodland is thought to have been continuously wooded for at least {n1} centuries.",
            "{person2}, {role2} at the {org}, said the discovery showed how much remained "
            "unknown about common habitats.",
            "“{quote2},” {person2} said.",
            "Surveys suggest that about {pct}% of the country's ancient woodland has been lost "
            "in the past century.",
            "The landowner has agreed to leave fallen timber in place to protect the beetle's "
            "habitat.",
            "The species has been given a name honouring a local naturalist who recorded the "
            "wood's insects for decades.",
            "The researchers now plan to search similar sites across the region.",
            "Members of the public are asked not to disturb dead wood in the reserve.",
        ),
        quotes=(
            "It was hiding in plain sight, in a wood people walk their dogs through every day",
            "Finding something new this close to home is a reminder to look more carefully",
            "We checked and re-checked before we dared to say it was new",
        ),
        updates=(
            "The university said on {day} that a second population may have been found.",
            "A public talk about the discovery will be held at the {town} museum on {day}.",
            "{person} said the team had received {n1} offers of help from volunteer recorders.",
        ),
        corrections=(
            "the size of the beetle",
            "the number of samples collected",
            "the university where the researchers work",
        ),
        orgs=("{town} Wildlife Trust", "Natural History Society", "Woodland Survey"),
        roles=("professor of ecology", "lecturer in entomology", "research fellow"),
    ),
    StoryKind(
        section="Courts",
        headlines=(
            "{town} man denies fraud charges worth {amount}",
            "Trial hears {town} investors lost {amount}",
            "{town} fraud trial: jury told of 'web of lies'",
        ),
        ledes=(
            "A man from {town} has gone on trial accused of defrauding investors of {amount} "
            "through a property scheme that never existed.",
            "Investors were persuaded to hand over {amount} for flats that were never built, "
            "a court in {town2} has heard.",
        ),
        body=(
            "{person2}, of {town}, denies {n1} counts of fraud and one of money laundering.",
            "The prosecution told the jury that about {n2} people invested in the scheme "
            "between 2019 and 2022.",
            "“{quote},” said {person}, {role}, opening the case.",
            "The court heard that investors were promised returns of {pct}% a year.",
            "Some of the money was spent on cars, holidays and a house in {town2}, the jury "
            "was told.",
            "The defence said its client had believed the developments would go ahead.",
            "“{quote2},” the defence told the jury.",
            "One investor, a retired teacher, told the court she had lost her savings.",
            "The trial is expected to last {n1} weeks.",
            "The judge reminded jurors not to research the case online.",
            "The case was adjourned until {day}.",
            "Reporting restrictions prevent the naming of some witnesses.",
        ),
        quotes=(
            "This was a scheme built on promises that were never going to be kept",
            "The documents shown to investors were, in short, fiction",
            "You will hear how trust was used against the very people who gave it",
        ),
        updates=(
            "On {day}, the jury heard evidence from a former employee of the scheme.",
            "The judge later discharged one juror for personal reasons; the trial continues "
            "with eleven.",
            "The prosecution is expected to finish presenting its case on {day}.",
        ),
        corrections=(
            "the amount investors are said to have lost",
            "the number of charges the defendant faces",
            "the town where the trial is being heard",
        ),
        orgs=("Crown Court",),
        roles=("prosecuting", "for the prosecution"),
    ),
    StoryKind(
        section="Education",
        headlines=(
            "{town} schools to share {amount} for new classrooms",
            "New classrooms for {n1} {town} schools as funding agreed",
            "{town} school building fund: which schools benefit",
        ),
        ledes=(
            "Schools in {town} will share {amount} to build new classrooms and repair "
            "ageing buildings, the {org} has announced.",
            "{n1} schools across {town} are to benefit from a building fund worth {amount}, "
            "officials said on {day}.",
        ),
        body=(
            "The money will pay for {n1} new classrooms, a science block and roof repairs at "
            "schools where buckets have been used to catch leaks.",
            "Pupil numbers in the area are forecast to grow by {pct}% over the next five years.",
            "“{quote},” said {person}, the {org}'s {role}.",
            "Head teachers had warned that some temporary classrooms were more than {n1} years "
            "old.",
            "{person2}, {role2}, welcomed the announcement but said more was needed.",
            "“{quote2},” {person2} said.",
            "Work at the first schools is expected to begin during the summer holidays.",
            "About {n2} pupils currently attend lessons in temporary buildings.",
            "Parents will be consulted on the design of the new science block.",
            "The fund is part of a wider programme covering schools in {town2}.",
            "A full list of schools will be published on the council website.",
            "Contractors will be asked to avoid noisy work during exam periods.",
        ),
        quotes=(
            "Every child deserves to learn in a building that is warm, dry and safe",
            "This is the biggest investment in our schools for a generation",
            "We listened to head teachers and put the money where it is needed most",
        ),
        updates=(
            "The {org} published the list of schools on {day}.",
            "{person} later said that two more schools had been added to the programme.",
            "A parents' group said on {day} it would campaign for a new primary school.",
        ),
        corrections=(
            "the number of new classrooms",
            "the value of the building fund",
            "the name of the organisation providing the money",
        ),
        orgs=("{town} Education Authority", "{town} Schools Partnership"),
        roles=("director of education", "cabinet member for schools", "chief officer"),
    ),
    StoryKind(
        section="Culture",
        headlines=(
            "{town} festival returns with record {n2} tickets sold",
            "Sold-out {town} festival promises biggest year yet",
            "{town} festival: crowds expected as line-up announced",
        ),
        ledes=(
            "The {town} summer festival will return next month after selling a record {n2} "
            "tickets, organisers said on {day}.",
            "Organisers of the {town} festival say it will be the biggest in its history, "
            "with {n2} tickets already sold.",
        ),
        body=(
            "The event will run over {n1} days across three stages in the park beside the harbour.",
            "This year's line-up includes folk, brass bands and a late-night silent disco.",
            "“{quote},” said {person}, the festival's {role}.",
            "The festival is estimated to bring {amount} into the local economy.",
            "{person2}, who runs a café near the park, said the weekend was the busiest of "
            "the year.",
            "“{quote2},” {person2} said.",
            "Extra buses will run from {town2} and the railway station.",
            "About {pct}% of tickets were bought by people living within ten miles.",
            "Organisers have promised to reduce waste by banning single-use cups.",
            "A free family area will open each morning.",
            "Volunteers are still needed to help with stewarding.",
            "The festival began as a single evening concert in a church hall.",
        ),
        quotes=(
            "We are thrilled to see so many people wanting to be part of it",
            "It has grown every year, but it still feels like a town party",
            "We have worked hard to keep prices down so families can come",
        ),
        updates=(
            "Organisers added a fourth stage on {day} to meet demand.",
            "The headline act was confirmed on {day} evening.",
            "{person} said on {day} that the final tickets had been released.",
        ),
        corrections=(
            "the number of tickets sold",
            "how long the festival lasts",
            "the role of {person} in the festival",
        ),
        orgs=("{town} Arts Trust", "{town} Festival Company"),
        roles=("director", "artistic director", "chair"),
    ),
    StoryKind(
        section="Sport",
        headlines=(
            "{town} United secure promotion with {n1}-match unbeaten run",
            "Promotion for {town} United after win at {town2}",
            "{town} United go up as fans celebrate on the pitch",
        ),
        ledes=(
            "{town} United sealed promotion on {day} with a win at {town2}, extending their "
            "unbeaten run to {n1} matches.",
            "A late goal at {town2} on {day} was enough to send {town} United up, capping a "
            "remarkable season.",
        ),
        body=(
            "More than {n2} away supporters made the journey and many ran onto the pitch at "
            "the final whistle.",
            "The winning goal came {n1} minutes from the end, from a corner.",
            "“{quote},” said {person}, the club's {role}.",
            "United were bottom of the table at Christmas a year ago.",
            "{person2}, the captain, praised the squad's spirit.",
            "“{quote2},” {person2} said.",
            "Season ticket sales for next year are already up {pct}%, the club said.",
            "The club's ground will need {amount} of improvements to meet the new league's rules.",
            "A parade through the town centre is planned for the weekend.",
            "United's final game of the season is at home on {day}.",
            "The club thanked the police and stewards at {town2} for their help.",
            "Tickets for the parade viewing area are free.",
        ),
        quotes=(
            "I could not be prouder of this group of players",
            "Nobody gave us a chance, and look at us now",
            "This is for the town and for everyone who stuck with us",
        ),
        updates=(
            "The club confirmed on {day} that the parade would start at the town hall.",
            "{person} later signed a new two-year contract.",
            "The league said on {day} it would review the pitch invasion.",
        ),
        corrections=(
            "when the winning goal was scored",
            "the length of the unbeaten run",
            "the name of the club's captain",
        ),
        orgs=("{town} United", "{town} United Supporters' Trust"),
        roles=("manager", "head coach", "chairman"),
    ),
)
