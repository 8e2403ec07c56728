"""About & safety: what the planner does and does not do, red flags, advice beyond food, sources."""

from __future__ import annotations

import streamlit as st

from ui.draw import run_page

ARTICLES: tuple[tuple[str, str], ...] = (
    (
        "000",
        "“What to do when muscle cramps occur due to potassium deficiency”, Cainiu Health "
        "(Dr. Yang Shuwen), 15 May 2023",
    ),
    ("001", "“What causes leg cramps after calcium supplementation”"),
    (
        "002",
        "“The Role of Trace Minerals in the Treatment of Muscle Cramps”, Portland Clinic of "
        "Natural Health, 1 March 2023",
    ),
    ("003", "“The Critical Role of Electrolytes in Muscle Function”"),
    ("004", "Article on sodium, fluids and leg cramps"),
)

DRI_SOURCES: tuple[tuple[str, str], ...] = (
    (
        "A",
        "NASEM 2019, *Dietary Reference Intakes for Sodium and Potassium* (Table S-1; "
        "Appendix J) — potassium and sodium.",
    ),
    (
        "B",
        "IOM 2011, *Dietary Reference Intakes for Calcium and Vitamin D* — calcium, vitamin "
        "D and their upper limits; the RDAs assume minimal sun exposure.",
    ),
    (
        "C",
        "IOM 1997/2000, DRI summary table of Tolerable Upper Intake Levels — the magnesium "
        "upper limit applies to supplements and medicines only, not to food.",
    ),
    ("D", "IOM 2005, *DRIs for Water, Potassium, Sodium, Chloride and Sulfate* — water."),
    (
        "E",
        "IOM 2002/2005, *DRIs for Energy, Carbohydrate, Fiber, Fat, Fatty Acids, "
        "Cholesterol, Protein and Amino Acids* — fibre, protein, energy shares.",
    ),
    ("F", "NASEM 2023, *Dietary Reference Intakes for Energy* — energy (EER equations)."),
    (
        "Caffeine",
        "US FDA (400 mg a day for healthy adults); ACOG Committee Opinion 462 (under "
        "200 mg a day in pregnancy); Health Canada (teenagers: up to 2.5 mg per kg body weight).",
    ),
)


def main() -> None:
    """Draw the About & safety page."""
    st.title("About & safety")

    st.error(
        "**See a doctor promptly** if cramps come with weakness or loss of feeling, numbness "
        "or tingling; if they are in the chest, arms or belly; if a calf is swollen, red or "
        "warm; if they follow heavy fluid loss (vomiting, diarrhoea, heavy sweating, water "
        "pills); if they are severe, frequent, long-lasting or do not ease with stretching and "
        "fluids; or if they began with a new medicine. (Articles 001, 003, 004.)",
        icon=":material/emergency:",
    )

    c1, c2 = st.columns(2)
    with c1:
        st.subheader("What it does")
        st.markdown(
            "- Works out your daily targets for potassium, magnesium, calcium, vitamin D, "
            "sodium, water, energy, protein and fibre from your age, sex, pregnancy, body and "
            "activity, using the US Dietary Reference Intakes (sources below).\n"
            "- Picks real foods in household portions for each meal of up to seven days so "
            "that the targets are reached at low cost, within your diet, allergies, likes, "
            "dislikes and budget.\n"
            "- Says plainly what cannot be reached, why, and which foods would help.\n"
            "- Turns the week into a shopping list and an e-mail."
        )
    with c2:
        st.subheader("What it does not do")
        st.markdown(
            "- It does not diagnose the cause of your cramps or treat an illness.\n"
            "- It never plans supplements or medicines: potassium, magnesium and vitamin D "
            "supplements belong under medical guidance (articles 000, 001, 002).\n"
            "- With kidney disease or a medicine that raises potassium it does **not** push "
            "potassium up and never suggests potassium salts; ask your clinician for your own "
            "limit and enter it on the **Targets** page.\n"
            "- It does not count sunlight towards vitamin D: the targets assume little sun. "
            "Sunlight does help, but weigh it against skin-cancer risk.\n"
            "- Food values are averages (USDA); a missing value counts as zero and is flagged."
        )

    st.subheader("Beyond food: what the articles advise")
    st.caption("In our own words; the numbers refer to the articles listed below.")
    st.markdown(
        "- **Stretch.** Gently stretch and relax a cramping muscle; warm up and stretch before "
        "and after exercise. (000, 001, 004)\n"
        "- **Drink enough.** Keep up your fluids, for example warm water; after heavy "
        "sweating replace both water and salts. (000, 004)\n"
        "- **Keep warm and moving.** Keep your legs warm at night, get up and move after long "
        "sitting or standing, a warm foot bath can help; compression stockings may help with "
        "varicose veins or in pregnancy. (001)\n"
        "- **Go easy on coffee and strong tea**, which may hinder mineral absorption. (001)\n"
        "- **Rest from hard exercise** while a deficiency is being corrected. (000)\n"
        "- **Supplements only under medical guidance** — potassium chloride or citrate, "
        "magnesium, vitamin D3; never on your own. (000, 001, 002)\n"
        "- **Tests a doctor may order** if cramps persist: blood magnesium and other "
        "electrolytes, vitamin D (25-OH-D), bone metabolism; for pregnant and older people "
        "calcium, phosphorus and parathyroid hormone. (001)"
    )

    st.subheader("Sources")
    st.markdown("**Articles**")
    st.markdown("\n".join(f"- {number}: {title}" for number, title in ARTICLES))
    st.markdown("**Nutrient reference values (DRIs)**")
    st.markdown("\n".join(f"- [{tag}] {text}" for tag, text in DRI_SOURCES))
    st.markdown("**Food data**")
    st.markdown(
        "- USDA National Nutrient Database for Standard Reference, Release 24 (SR24): "
        "nutrients per 100 g and household portions.\n"
        "- USDA FoodData Central (online import on the **Foods** page).\n"
        "- Prices: USDA ERS Fruit and Vegetable Prices and BLS average prices (2022); "
        "others are labelled estimates."
    )
    st.caption(
        "This tool suggests foods; it is not medical advice. If you are unsure, ask your "
        "doctor or a registered dietitian."
    )


run_page(main)
