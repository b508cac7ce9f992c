"""Word lists the name rules rely on. Kept in one place so they can be read,
reviewed and extended without touching the logic.

All entries are lower-case ASCII (as produced by ``_text.strip_accents(...).lower()``).
"""

from __future__ import annotations

# Words that describe a person's role rather than name them. A person name is
# what follows the last such word ("Russian Chief of Staff Valeri Guerasimov").
ROLE_WORDS = frozenset(
    """
    mr mrs ms miss mx dr prof professor sir dame lord lady madam monsieur mme mlle herr frau
    sen senator rep representative gov governor gen general lt lieutenant col colonel maj major
    capt captain adm admiral cmdr commander sgt sergeant cpl corporal pte private brig brigadier
    marshal field-marshal air vice-admiral rear-admiral
    president vice-president vice prime premier minister ministers secretary secretary-general
    undersecretary under-secretary deputy assistant foreign defence defense interior finance
    economy justice health trade energy home education culture agriculture environment
    chief staff spokesman spokeswoman spokesperson spokespeople ambassador envoy emissary
    director director-general head leader chairman chairwoman chair chairperson chancellor
    king queen prince princess crown sheikh shaikh sheik emir amir sultan ayatollah grand
    pope cardinal archbishop bishop rev reverend father rabbi imam patriarch mayor judge justice
    attorney attorney-general prosecutor ceo cfo coo executive officer commander-in-chief
    former ex late acting incumbent opposition official analyst expert correspondent reporter
    editor journalist activist lawyer spy agent double special adviser advisor counsellor
    counselor press national security state affairs white house supreme allied joint chiefs
    permanent speaker lawmaker legislator mp mep congressman congresswoman councillor
    chief-of-staff founder co-founder owner boss manager coach captain candidate nominee
    diplomat spymaster top senior junior new outgoing incoming then current longtime veteran
    military army navy naval force forces intelligence police spokesperson's
    of the for and to at in on from with by
    """.split()
) | frozenset(
    # What people do, as news puts it before a name ("Striker João Silva", "Rapper Kanye
    # West", "Pollster Frank Luntz"). None is a given name in coreferee's name lists
    # (US, German, Polish and French registers): a given name here would lose people
    # their first name. Compounds and -ist/-ician words need no entry (ROLE_ENDINGS).
    """
    striker forward defender winger goalie keeper fullback quarterback linebacker pitcher
    catcher referee umpire jockey rookie champion olympian trainer
    singer rapper actor actress comedian drummer composer producer author poet playwright
    artist painter sculptor photographer designer architect chef doctor surgeon nurse researcher
    historian scholar teacher student engineer pilot astronaut farmer rancher soldier sailor
    entrepreneur investor billionaire businessman banker pollster consultant aide staffer
    host anchor commentator blogger publisher delegate protester organizer volunteer
    trooper detective inspector commissioner councilman alderman assemblyman pastor preacher
    priest chaplain
    """.split()
)

# Endings that make a word a role whatever comes before ("Midfielder", "Goalkeeper",
# "Economist", "Politician", "Businesswoman", "Lawmaker"). No given name in coreferee's
# lists ends in one of them (checked when they were chosen), so a name never loses a word
# to them.
ROLE_ENDINGS = (
    "ist", "ician", "keeper", "fielder", "maker", "woman", "writer", "player", "fighter",
    "worker", "holder", "baller", "leader", "backer",
)

# Honorifics that never belong to a name, even as the only word before a surname.
HONORIFICS = frozenset("mr mrs ms miss mx dr prof sir dame lord lady herr frau mme mlle monsieur madam".split())

SUFFIXES = {
    "jr": "jr", "junior": "jr", "sr": "sr", "snr": "sr", "senior": "sr", "jnr": "jr",
    "ii": "ii", "iii": "iii", "iv": "iv", "v": "v",
    "phd": "", "md": "", "esq": "", "obe": "", "mbe": "", "kbe": "", "cbe": "", "qc": "", "kc": "",
}

# Nationality adjectives and demonyms mapped to an ISO-like country code. Used
# to strip them from person names and as the *qualifier* of organisations
# ("Russian Foreign Ministry" vs "Ukrainian Foreign Ministry").
NATIONALITIES = {
    "american": "us", "us": "us", "u.s.": "us", "usa": "us", "british": "gb", "uk": "gb", "english": "gb",
    "scottish": "gb", "welsh": "gb", "russian": "ru", "soviet": "su", "ukrainian": "ua", "belarusian": "by",
    "belarussian": "by", "french": "fr", "german": "de", "italian": "it", "spanish": "es", "portuguese": "pt",
    "dutch": "nl", "belgian": "be", "polish": "pl", "czech": "cz", "slovak": "sk", "hungarian": "hu",
    "romanian": "ro", "bulgarian": "bg", "serbian": "rs", "croatian": "hr", "greek": "gr", "turkish": "tr",
    "swedish": "se", "norwegian": "no", "danish": "dk", "finnish": "fi", "estonian": "ee", "latvian": "lv",
    "lithuanian": "lt", "georgian": "ge", "armenian": "am", "azerbaijani": "az", "azeri": "az",
    "kazakh": "kz", "uzbek": "uz", "chinese": "cn", "japanese": "jp", "korean": "kr", "south-korean": "kr",
    "north-korean": "kp", "indian": "in", "pakistani": "pk", "afghan": "af", "iranian": "ir", "iraqi": "iq",
    "syrian": "sy", "lebanese": "lb", "israeli": "il", "palestinian": "ps", "jordanian": "jo",
    "egyptian": "eg", "saudi": "sa", "emirati": "ae", "qatari": "qa", "yemeni": "ye", "libyan": "ly",
    "tunisian": "tn", "algerian": "dz", "moroccan": "ma", "nigerian": "ng", "kenyan": "ke",
    "ethiopian": "et", "south-african": "za", "canadian": "ca", "mexican": "mx", "brazilian": "br",
    "argentine": "ar", "argentinian": "ar", "venezuelan": "ve", "colombian": "co", "cuban": "cu",
    "australian": "au", "irish": "ie", "swiss": "ch", "austrian": "at", "european": "eu",
    "western": "", "eastern": "", "atlantic": "",
}

# Country names (and common short forms) mapped to the same codes. Countries are
# speakers of kind "organization" ("Russia said ...").
COUNTRIES = {
    "united states": "us", "united states of america": "us", "us": "us", "u.s.": "us", "usa": "us",
    "u.s.a.": "us", "america": "us", "united kingdom": "gb", "uk": "gb", "u.k.": "gb", "britain": "gb",
    "great britain": "gb", "england": "gb", "russia": "ru", "russian federation": "ru",
    "the russian federation": "ru", "ukraine": "ua", "the ukraine": "ua", "belarus": "by",
    "france": "fr", "germany": "de", "italy": "it", "spain": "es", "portugal": "pt", "netherlands": "nl",
    "the netherlands": "nl", "holland": "nl", "belgium": "be", "poland": "pl", "czech republic": "cz",
    "czechia": "cz", "slovakia": "sk", "hungary": "hu", "romania": "ro", "bulgaria": "bg", "serbia": "rs",
    "croatia": "hr", "greece": "gr", "turkey": "tr", "turkiye": "tr", "sweden": "se", "norway": "no",
    "denmark": "dk", "finland": "fi", "estonia": "ee", "latvia": "lv", "lithuania": "lt", "georgia": "ge",
    "armenia": "am", "azerbaijan": "az", "kazakhstan": "kz", "china": "cn",
    "people's republic of china": "cn", "prc": "cn", "japan": "jp", "south korea": "kr",
    "republic of korea": "kr", "north korea": "kp", "dprk": "kp", "india": "in", "pakistan": "pk",
    "afghanistan": "af", "iran": "ir", "iraq": "iq", "syria": "sy", "lebanon": "lb", "israel": "il",
    "jordan": "jo", "egypt": "eg", "saudi arabia": "sa", "united arab emirates": "ae", "uae": "ae",
    "qatar": "qa", "yemen": "ye", "libya": "ly", "tunisia": "tn", "algeria": "dz", "morocco": "ma",
    "nigeria": "ng", "kenya": "ke", "ethiopia": "et", "south africa": "za", "canada": "ca",
    "mexico": "mx", "brazil": "br", "argentina": "ar", "venezuela": "ve", "colombia": "co", "cuba": "cu",
    "australia": "au", "ireland": "ie", "switzerland": "ch", "austria": "at", "moldova": "md",
}

# Nouns that make a name an organisation ("the US State Department").
ORG_NOUNS = frozenset(
    """
    ministry department office agency alliance organisation organization council commission committee
    government administration party army navy forces force police court tribunal bank union association
    institute university college school company corp corporation inc ltd llc plc group federation
    kremlin pentagon embassy consulate mission parliament senate congress duma rada assembly service
    services times post news press network foundation fund trust authority board bureau directorate
    command headquarters secretariat cabinet presidency palace house hall observatory watch amnesty
    international community society league front movement brigade brigades battalion regiment guard
    guards corps coalition bloc opposition junta regime republic kingdom emirate state states
    reuters tass interfax xinhua ria novosti afp bloomberg cnn bbc
    """.split()
)

# Name particles that belong to the surname ("von der Leyen", "de Gaulle", "bin Salman").
SURNAME_PARTICLES = frozenset(
    "von van der den de del della dei di da das dos du la le les ter ten zu vom zum bin ibn ben bint binti".split()
)

# The Arabic article in its usual romanisations (al-Assad, el-Sisi, as-Sisi, ash-Shara).
ARABIC_ARTICLES = frozenset("al el ul ad as ash at az an ar ath adh ed es et ez".split())

# Arabic "bin"/"ibn"/"ben": one word in three spellings.
ARABIC_SON_OF = {"bin": "bin", "ibn": "bin", "ben": "bin", "bint": "bint", "binti": "bint"}

# Common East Asian family names (Chinese pinyin and Korean romanisations).
# A name starting with one of them, followed by a given name made of Chinese or
# Korean syllables ("Xi Jinping", "Kim Jong Un"), is read family-name first.
EAST_ASIAN_SURNAMES = frozenset(
    """
    kim lee yi rhee ri park pak bak choi choe jung jeong chung kang cho jo yoon yun jang chang lim im
    han oh seo shin kwon hwang ahn an song ryu yoo yu hong jeon moon mun ko go son bae baek heo nam roh
    noh ban
    xi li wang zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang xie
    tang feng deng cao peng zeng xiao tian dong pan yuan cai jiang du ye cheng wei su lu ding ren shen
    yao fu zhong jin wen mao bo qin kong hua qian lai
    tsai chiang hsieh chou chu kuo hsu lu ko hou teng
    """.split()
)

# Given names that are the same name in different languages or romanisation
# traditions (Ukrainian/Russian/Belarusian forms, Arabic spellings). Each line
# is one name; entries are matched after the transliteration skeleton, so only
# forms the skeleton cannot unify need to be listed. Sources: published
# romanisation tables (BGN/PCGN, ISO 9, KMU 2010) and press style guides.
GIVEN_NAME_EQUIVALENTS = [
    "vladimir volodymyr wladimir volodimir uladzimir",
    "aleksandr alexander oleksandr alyaksandr alexandre aleksander alexandr",
    "aleksandra alexandra oleksandra",
    "aleksei alexei oleksiy oleksii alexej alyaksei",
    "nikolai mykola nikolay mikalai",
    "mikhail mykhailo michail mihail",
    "dmitri dmitry dmytro dimitri dzmitry",
    "sergei serhiy serhii sergiy",
    "andrei andriy andrii",
    "yuri yuriy yurii jurij iouri youri",
    "yevgeni yevgeny evgeny yevhen evgueni jewgeni evgeniy yevgeniy",
    "gennadi gennady hennadiy hennadii guennadi",
    "grigori grigory hryhoriy hryhorii",
    "oleg oleh aleh",
    "igor ihor",
    "pavel pavlo",
    "pyotr petro piotr pjotr petr",
    "kirill kyrylo",
    "fyodor fedor fiodor",
    "yelena elena olena alena",
    "olga olha volha",
    "yulia yuliya julia iulia ioulia julija",
    "tatiana tatyana tetiana tatsiana",
    "natalia natalya nataliya natalja",
    "mohammed muhammad mohamed mohammad muhammed mohamad mohamud mouhamed mohd muhamad",
    "ahmed ahmad ahmet",
    "mahmoud mahmud",
    "hussein husayn hussain husain hossein",
    "yusuf youssef yousef yusef youssouf yousif",
    "abdullah abdallah abdulla",
    "osama usama oussama",
    "omar umar",
    "muammar moammar mouammar",
    "mustafa moustafa mostafa mustapha",
    "hassan hasan",
    "khalid khaled",
    "walid waleed oualid",
    # English hypocorisms that stand for one name only (not Ted, Alex, Sasha...)
    "william bill billy will",
    "robert bob bobby rob",
    "michael mike",
    "james jim jimmy",
    "joseph joe",
    "anthony antony tony",
    "richard dick rick",
    "thomas tom",
    "charles chuck",
    "elizabeth liz",
]

# Given names that suggest Arabic naming (and so the looser Arabic consonant
# and vowel classes for the surname: Qaddafi/Gaddafi/Kadhafi).
ARABIC_GIVEN_NAMES = frozenset(
    """
    mohammed muhammad mohamed mohammad ahmed ahmad mahmoud mahmud ali hussein husayn hassan hasan
    omar umar osama usama ayman bashar hafez hafiz saddam muammar moammar yasser yasir khalid khaled
    abdullah abdallah ibrahim ismail yusuf youssef mustafa moustafa nasser hosni anwar hamad tamim salman
    faisal fahd walid waleed saif said saeed rafik rafic saad hamid hamed abdel abdul abd abu fatah fattah
    qasem qassem hamas hezbollah ismail haniyeh yahya sinwar nabih amr ayatollah ruhollah
    hosni hussein uday qusay mubarak gamal jamal ali sadegh sadeq hamza osama usama
    """.split()
)

# Built-in acronyms: upper-case key, expansion, and other long names that mean
# the same organisation. Definitions found in text ("... (Nato)") add to these.
ACRONYMS: dict[str, tuple[str, ...]] = {
    "NATO": ("North Atlantic Treaty Organization", "North Atlantic Alliance", "Atlantic Alliance"),
    "UN": ("United Nations",),
    "UNSC": ("United Nations Security Council", "UN Security Council"),
    "EU": ("European Union",),
    "WHO": ("World Health Organization",),
    "FBI": ("Federal Bureau of Investigation",),
    "CIA": ("Central Intelligence Agency",),
    "NSA": ("National Security Agency",),
    "IMF": ("International Monetary Fund",),
    "OPEC": ("Organization of the Petroleum Exporting Countries",),
    "OSCE": ("Organization for Security and Co-operation in Europe", "Organization for Security and Cooperation in Europe"),
    "IAEA": ("International Atomic Energy Agency",),
    "UNESCO": ("United Nations Educational, Scientific and Cultural Organization",),
    "UNICEF": ("United Nations Children's Fund",),
    "UNHCR": ("United Nations High Commissioner for Refugees", "UN refugee agency"),
    "WTO": ("World Trade Organization",),
    "ICC": ("International Criminal Court",),
    "ICJ": ("International Court of Justice",),
    "ECB": ("European Central Bank",),
    "KGB": ("Committee for State Security",),
    "FSB": ("Federal Security Service",),
    "GRU": ("Main Intelligence Directorate",),
    "SVR": ("Foreign Intelligence Service",),
    "SBU": ("Security Service of Ukraine",),
    "ASEAN": ("Association of Southeast Asian Nations",),
    "AU": ("African Union",),
    "OAS": ("Organization of American States",),
    "IOC": ("International Olympic Committee",),
    "WFP": ("World Food Programme", "World Food Program"),
    "CDC": ("Centers for Disease Control and Prevention",),
    "NASA": ("National Aeronautics and Space Administration",),
    "ICRC": ("International Committee of the Red Cross",),
    "MSF": ("Medecins Sans Frontieres", "Doctors Without Borders"),
    "HRW": ("Human Rights Watch",),
    "AFP": ("Agence France-Presse", "Agence France Presse"),
    "AP": ("Associated Press",),
    "BBC": ("British Broadcasting Corporation",),
    "IDF": ("Israel Defense Forces", "Israeli Defense Forces"),
    "PLO": ("Palestine Liberation Organization",),
    "OECD": ("Organisation for Economic Co-operation and Development", "Organization for Economic Cooperation and Development"),
    "ISIS": ("Islamic State", "ISIL", "Islamic State of Iraq and Syria", "Islamic State of Iraq and the Levant", "Daesh", "IS"),
    "G7": ("Group of Seven",),
    "G20": ("Group of Twenty",),
    # metonyms: only the forms that name the country, so "Russian Defense Ministry" stays apart
    "PENTAGON": ("US Department of Defense", "US Defense Department", "United States Department of Defense",
                 "US Defense Ministry"),
}

# Spelling variants inside organisation names (British/American, hyphenation).
ORG_SPELLING = {
    "organisation": "organization", "organisations": "organizations", "defence": "defense",
    "centre": "center", "programme": "program", "labour": "labor", "co-operation": "cooperation",
    "armed": "armed", "&": "and",
}

STOPWORDS = frozenset("of the and for on in de du des la le et a an to at".split())
