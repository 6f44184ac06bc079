"""The word lists the token rules look at, and the shape of a name token.

Head nouns of organisations, places and facilities, name connectors and particles, words that
never start a name, speech verbs, weapon cues, titles only capitalised, acronyms that are not
organisations.
"""

from __future__ import annotations

__all__ = ["ORG_HEADS", "ORG_FIRST", "UNIT_HEADS", "LOC_HEADS", "ADMIN_HEADS", "LOC_FIRST", "FAC_HEADS", "FAC_FIRST",
           "CONNECTORS", "TAIL_LINKS", "PARTICLES", "SUFFIXES", "NOT_NAME", "SPEECH_VERBS", "WEAPON_CUES",
           "SHIP_PREFIXES", "SUBJECT_NOUNS", "PERSON_VERBS", "SERVICE", "CAP_ONLY_TITLES", "ACRONYM_STOP",
           "LOW_CORP", "name_like"]


def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


ORG_HEADS = _words(
    """ministry ministries forces force institute institution office agency council committee
    department army navy command service services bureau party union university college
    company corporation corp corp. inc inc. ltd ltd. llc plc group bank fund foundation organization
    organisation association commission court parliament assembly guard guards brigade regiment
    division battalion corps fleet directorate administration authority federation coalition
    alliance movement front league society centre center academy school hospital network
    police militia cabinet government secretariat tribunal board chamber consulate embassy
    mission observatory laboratory industries airlines unit squadron wing battery platoon
    troop troops marines club records band orchestra church mosque times post news press
    television radio broadcasting trust network holdings ag gmbh sa s.a. nv n.v. co co. ab asa oyj spa s.p.a.
    congress senate duma knesset rada majlis airways motors pharmaceuticals technologies systems energy
    petroleum telecom telecommunications communications media entertainment studios pictures publishing
    publishers journal magazine gazette herald tribune telegraph chronicle bancorp insurance railways
    railway fc f.c. afc a.f.c. ac sc cf fk nk sk rovers wanderers athletic albion
    united hotspur mining software labs partners ventures electric electronics brothers bros bros. choir
    ensemble quartet resources logistics shipping aviation aerospace automotive chemicals foods brewery
    brewing securities investments therapeutics robotics productions films"""
)
# Corporate suffixes written in lower case after a capitalised name ("Larchfield plc").
LOW_CORP = _words("plc ltd ltd. llc gmbh")
UNIT_HEADS = _words("brigade regiment division battalion corps fleet squadron army wing group battery "
                    "platoon company troop task force detachment flotilla")
LOC_HEADS = _words("sea ocean gulf bay river lake lakes mountains mount mountain strait straits island islands "
                   "peninsula desert valley canal channel basin plateau coast delta highlands steppe hills")
LOC_FIRST = _words("gulf sea strait straits bay lake mount mountains river cape isle")
# Organisation heads that come first ("FC Rostov", "AC Milan").
ORG_FIRST = _words("fc f.c. ac sc cf fk nk sk")
# Heads of administrative units ("Orange County", "Kurdistan Region"): GPE.
ADMIN_HEADS = _words("county province district region oblast governorate prefecture raion krai okrug municipality "
                     "township parish canton voivodeship")
FAC_HEADS = _words("airport airfield airbase base dam bridge palace square street avenue road highway "
                   "stadium tower prison harbor harbour port station plant refinery pipeline camp fort "
                   "barracks cathedral monument memorial npp hpp tpp nps")
FAC_FIRST = _words("fort camp")
# Lower-case words allowed inside a capitalised name ("Ministry of Defence", "Haider al-Abadi").
CONNECTORS = _words("of for the on de del des du la le in & al el bin ibn van von der da di dos das bint")
TAIL_LINKS = _words("of for on de")
PARTICLES = _words("bin ibn al el de da van von der la le abu bint dos das di du")
SUFFIXES = _words("Jr. Jr Sr. Sr II III IV")
# Capitalised words that never start or form a person name.
NOT_NAME = _words(
    """the a an this that these those it its he she they we i you his her their our my your
    in on at by for from to of with and or but if as when while after before since during near
    mr mrs ms dr president minister general staff secretary council command army january february march
    april may june july august september october november december monday tuesday wednesday
    thursday friday saturday sunday read scroll share subscribe follow click photo video
    north south east west northern southern eastern western central
    god allah lord christ islam jesus
    yesterday today tomorrow tonight however meanwhile moreover furthermore nevertheless nonetheless
    separately elsewhere instead also still thus hence later earlier afterwards afterward recently
    previously currently initially eventually finally although though because unlike despite
    according including"""
)
SPEECH_VERBS = _words(
    """said says told tells stated states added adds noted notes claimed claims wrote writes
    announced announces declared declares explained stressed warned insisted argued replied
    confirmed denied commented recalled"""
)
WEAPON_CUES = _words(
    """missile missiles system systems launcher launchers howitzer howitzers tank tanks jet jets
    drone drones battery batteries complex complexes fighter fighters aircraft helicopter
    helicopters munition munitions rocket rockets air defense defence air-defense vehicles
    vehicle artillery interceptors interceptor kamikaze loitering"""
)
SHIP_PREFIXES = _words("USS HMS FS INS HMCS HMAS HMNZS RFS ROKS JS TCG KRI PNS BNS ARA USNS RV")
SUBJECT_NOUNS = _words("police everyone everybody nobody someone somebody media government army military "
                       "kremlin intelligence security reuters witness spokesman spokeswoman spokesperson")
PERSON_VERBS = _words("said says told tells added adds stated explained recalled wrote")
SERVICE = _words("navy army air marine marines coast guard force")
CAP_ONLY_TITLES = _words(
    "general major private miss justice cardinal father chair speaker marshal lord lady king queen "
    "prince princess sir dame head mp sen rep gov capt col gen lt maj sgt adm cpl pvt"
)
ACRONYM_STOP = _words(
    """TV PM AM OK CEO CFO GDP ID PC PR DNA HIV AIDS COVID UTC GMT USD EUR GBP RUB UAH RIP FAQ PDF URL
    HTML VIP GPS SMS II III IV VI VII VIII IX XI XII XX BC AD BCE CE MP MPs UK US USA EU UN NB PS TBA
    CV SUV IT AI AR VR LGBT LGBTQ CCTV CPU IQ Q A I IPO HQ NA USS HMS INS RFS USNS"""
)


def name_like(w: str) -> bool:
    """Whether a token can be part of a person's name ("Zhdanov", "J.", "Al-Ja'afari").

    Args:
        w: token text.

    Returns:
        True for capitalised name-shaped tokens that are not function words.
    """
    if not w[:1].isupper() or w.lower() in NOT_NAME:
        return False
    if w.isalpha():
        return not w.isupper() or len(w) == 1
    if len(w) == 2 and w[1] == ".":  # initial "J."
        return True
    return w.replace("-", "").replace("'", "").replace("’", "").isalpha()
