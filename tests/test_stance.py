"""Stance towards a target, not the sentence's mood: both methods, the summary and the benchmark."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kit.annotate import stance, stance_lexicon, stance_roles
from kit.corpus import stance_articles

REPO = Path(__file__).resolve().parents[1]

needs_model = pytest.mark.skipif(
    stance.default_method() != "model",
    reason="stance model unavailable (needs onnxruntime, tokenizers and kit/models/stance/)",
)


def targets(*cases: tuple[str, str]) -> pd.DataFrame:
    """Return one row per ``(sentence, target words)``, with the target's character span."""
    rows = []
    for text, target in cases:
        start = text.index(target)
        rows.append({"text": text, "start": start, "end": start + len(target), "target": target})
    return pd.DataFrame(rows)


CONDEMN = "Senator Alice Moreno condemned Governor Tom Baker for the cover-up."
PRAISE = "Mayor Helen Park praised firefighter Luis Ortega for his courage in the rescue."
NEUTRAL = "Prime Minister Ana Silva met Chancellor Otto Weber in Berlin on Tuesday."


# --- lexicon ----------------------------------------------------------------------------


def test_lexicon_condemner_is_not_negative_and_condemned_is():
    result = stance.predict(
        targets((CONDEMN, "Alice Moreno"), (CONDEMN, "Tom Baker")), method="lexicon"
    )
    assert result["label"].tolist() == ["neutral", "negative"]


def test_lexicon_passive_voice_keeps_roles():
    text = "Governor Tom Baker was condemned by Senator Alice Moreno."
    result = stance.predict(targets((text, "Tom Baker"), (text, "Alice Moreno")), method="lexicon")
    assert result["label"].tolist() == ["negative", "neutral"]


def test_lexicon_praise_and_neutral_reporting():
    result = stance.predict(
        targets((PRAISE, "Luis Ortega"), (NEUTRAL, "Ana Silva"), (NEUTRAL, "Otto Weber")),
        method="lexicon",
    )
    assert result["label"].tolist() == ["positive", "neutral", "neutral"]


def test_lexicon_descriptor_in_front_of_the_name_counts():
    text = "Russian dictator Vladimir Putin met Xi Jinping."
    plain = "Russian President Vladimir Putin met Xi Jinping."
    result = stance.predict(
        targets((text, "Vladimir Putin"), (plain, "Vladimir Putin")), method="lexicon"
    )
    assert result["label"].tolist() == ["negative", "neutral"]


def test_lexicon_speaker_is_not_judged_by_what_they_report():
    text = "Lee said Garcia is corrupt."
    result = stance.predict(targets((text, "Lee"), (text, "Garcia")), method="lexicon")
    assert result["label"].tolist() == ["neutral", "negative"]


def test_explain_names_the_cue_and_why():
    start = CONDEMN.index("Tom Baker")
    cues = stance.explain(CONDEMN, start, start + len("Tom Baker"), method="lexicon")
    assert cues["word"].tolist() == ["condemned"]
    assert cues["reason"].tolist() == ["act done to the target"]
    assert cues["weight"].tolist() == [-1.0]
    assert stance.explain(NEUTRAL, 15, 24, method="lexicon").empty


def test_lexicon_negation_flips_and_weakens():
    text = "The board did not praise Director Kim."
    start = text.index("Kim")
    cues = stance.explain(text, start, start + 3, method="lexicon")
    assert cues["negated"].tolist() == [True]
    assert -0.5 < cues["weight"].sum() < 0


def test_lexicon_file_is_well_formed():
    words = stance_lexicon.lexicon()
    assert list(words.columns) == ["word", "polarity", "kind"]
    assert words["word"].is_unique
    assert words["polarity"].between(-1, 1).all()
    assert set(words["kind"]) == {"act", "deed", "trait"}


# --- model ------------------------------------------------------------------------------


REPORTED = "Alice Moreno told reporters that Tom Baker is corrupt."


def test_the_shipped_model_fits_the_budget_and_says_how_it_was_made():
    folder = stance.MODEL_DIR
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert (folder / "model.onnx").stat().st_size == meta["weights_bytes"] <= 40_000_000
    assert meta["command"].startswith("nice -n 10 .venv/bin/python train/")
    assert meta["labels"] == list(stance.LABELS)


@needs_model
def test_model_speaker_is_not_negative_and_accused_is():
    result = stance.predict(
        targets((REPORTED, "Alice Moreno"), (REPORTED, "Tom Baker")), method="model"
    )
    moreno, baker = result["score"].tolist()
    assert result["label"].tolist() == ["neutral", "negative"]
    assert baker < -0.5
    assert moreno > baker + 0.4


@needs_model
def test_model_condemner_is_not_negative():
    result = stance.predict(
        targets((CONDEMN, "Alice Moreno"), (CONDEMN, "Tom Baker")), method="model"
    )
    assert result["label"].tolist() == ["neutral", "negative"]
    assert result["decided_by"].tolist() == ["role rule", "role rule"]


@needs_model
def test_model_only_gives_the_condemner_the_mood_which_the_role_rule_corrects():
    # Why the rule exists: the bare model labels the doer of a negative act negative. (The
    # undistilled model did so for "Opponents accused the mayor of wasting funds." as well;
    # the distilled one gets that one right on its own.)
    cases = targets(("The board fired Alan Crest after the scandal.", "board"))
    assert stance.predict(cases, method="model_only")["label"].tolist() == ["negative"]
    assert stance.predict(cases, method="model")["label"].tolist() == ["neutral"]


def test_role_rule_yields_where_the_model_is_sure_of_another_label():
    text = "Critics condemned Ivo Brandt over the merger."
    cue = stance_roles.role_cue(text, 0, len("Critics"))
    unsure = {"negative": 0.85, "neutral": 0.14, "positive": 0.01}
    sure = {"negative": 0.95, "neutral": 0.04, "positive": 0.01}
    agreeing = {"negative": 0.02, "neutral": 0.97, "positive": 0.01}
    assert stance_roles.rule_decides(cue, unsure) and stance_roles.rule_decides(cue, agreeing)
    assert not stance_roles.rule_decides(cue, sure)
    assert stance_roles.why_the_model_decides(cue, sure) == "the model is 0.95 sure it is negative"


def test_role_rule_leaves_weak_praise_to_the_model():
    text = "Voters elected Dana Reyes as mayor."
    cue = stance_roles.role_cue(text, text.index("Dana"), text.index(" as"))
    assert cue is not None and cue["label"] == "positive"  # the parse is read ...
    assert not stance_roles.rule_decides(cue)  # ... but being elected is not praise
    strong = "Voters cheered Dana Reyes at the count."
    assert stance_roles.rule_decides(stance_roles.role_cue(strong, 14, 24))


@needs_model
def test_model_decides_where_it_is_sure_of_the_doer():
    # The role rule would call the accuser neutral; the sentence plainly does not.
    text = "Kessler, a disgraced fraudster, falsely accused the judge of treason in a bizarre rant."
    result = stance.predict(targets((text, "Kessler"), (text, "judge")), method="model")
    assert result["label"].tolist() == ["negative", "negative"]
    assert result["decided_by"].tolist() == ["model", "role rule"]
    reason = stance.explain(text, 0, len("Kessler"), method="model")["reason"].iloc[0]
    assert "agent of an act (accuse)" in reason and "sure it is negative" in reason


ROLE_SENTENCES = REPO / "tests" / "data" / "role_sentences.csv"


def role_targets() -> pd.DataFrame:
    """Return the hand-written role sentences (tests/data) as stance targets with gold labels."""
    cases = pd.read_csv(ROLE_SENTENCES)
    frame = targets(*zip(cases["sentence"], cases["target"], strict=True))
    return frame.assign(gold=cases["gold"].to_numpy(), construction=cases["construction"])


def test_role_sentence_set_is_well_formed():
    cases = pd.read_csv(ROLE_SENTENCES)
    assert len(cases) >= 40
    assert set(cases["gold"]) == set(stance.LABELS)
    assert all(
        text.count(target) == 1
        for text, target in zip(cases["sentence"], cases["target"], strict=True)
    )


@needs_model
def test_model_reads_roles_on_the_role_sentences():
    cases = role_targets()
    right = (stance.predict(cases, method="model")["label"] == cases["gold"]).mean()
    right_alone = (stance.predict(cases, method="model_only")["label"] == cases["gold"]).mean()
    assert right >= 0.85
    # The rule reads what the model misses (the model alone: 60% before distillation, 87% now).
    assert right > right_alone


@pytest.mark.parametrize(
    ("text", "target", "label"),
    [
        ("Police detained Ahmadi outside the court.", "Police", "neutral"),
        ("Police detained Ahmadi outside the court.", "Ahmadi", "negative"),
        ("Tesla was sued by its investors.", "Tesla", "negative"),
        ("Tesla was sued by its investors.", "investors", "neutral"),
        ("Ruth Gold faces charges of fraud.", "Ruth Gold", "negative"),
        ("The UN imposed sanctions on Eritrea.", "Eritrea", "negative"),
        ("Farmers and truckers slammed the premier.", "truckers", "neutral"),
        ("The coach praised Mina Sato.", "Mina Sato", "positive"),
        ("Former mayor Owen Pratt arrested in bribery probe", "Owen Pratt", "negative"),
        ("Novelist Ines Varga accused of plagiarism in new lawsuit", "Ines Varga", "negative"),
    ],
)
def test_role_rule_reads_agent_and_patient(text, target, label):
    start = text.index(target)
    cue = stance_roles.role_cue(text, start, start + len(target))
    assert cue is not None and stance_roles.rule_decides(cue)
    assert cue["label"] == label


def test_role_rule_stays_out_of_negated_and_unlinked_targets():
    text = "The board did not condemn Director Kim."
    start = text.index("Kim")
    assert stance_roles.role_cue(text, start, start + 3) is None
    assert stance_roles.role_cue(NEUTRAL, 15, 24) is None


@needs_model
def test_explain_says_which_part_decided():
    start = CONDEMN.index("Alice Moreno")
    by_rule = stance.explain(CONDEMN, start, start + len("Alice Moreno"), method="model")
    assert by_rule[["decided_by", "label", "role", "cue"]].values.tolist() == [
        ["role rule", "neutral", "agent", "condemned"]
    ]
    by_model = stance.explain(NEUTRAL, 15, 24, method="model")
    assert by_model["decided_by"].tolist() == ["model"]
    with pytest.raises(ValueError, match="method"):
        stance.explain(NEUTRAL, 15, 24, method="vibes")


@needs_model
def test_model_praise_and_neutral_reporting():
    result = stance.predict(
        targets((PRAISE, "Luis Ortega"), (NEUTRAL, "Ana Silva"), (NEUTRAL, "Otto Weber")),
        method="model",
    )
    assert result["label"].tolist() == ["positive", "neutral", "neutral"]
    assert result["score"].iloc[0] > 0.5
    assert result["score"].iloc[1:].abs().max() < 0.5


@needs_model
def test_a_targets_score_does_not_depend_on_what_is_scored_with_it():
    alone = stance.predict(targets((NEUTRAL, "Ana Silva")), method="model_only")
    many = targets(*[(CONDEMN, "Tom Baker"), (PRAISE, "Luis Ortega")] * 20, (NEUTRAL, "Ana Silva"))
    together = stance.predict(many, method="model_only")
    assert together["score"].iloc[-1] == alone["score"].iloc[0]  # a filter changes nothing


@needs_model
def test_default_method_is_the_model_when_shipped():
    assert stance.default_method() == "model"
    result = stance.predict(targets((NEUTRAL, "Ana Silva")))
    assert result["method"].tolist() == ["model"]


# --- interface --------------------------------------------------------------------------


ALL_METHODS = [
    pytest.param("model", marks=needs_model),
    pytest.param("model_only", marks=needs_model),
    "lexicon",
]


@pytest.mark.parametrize("method", ALL_METHODS)
def test_output_columns_and_ranges(method):
    frame = targets((CONDEMN, "Tom Baker"), (PRAISE, "Luis Ortega"), (NEUTRAL, "Ana Silva"))
    frame["doc_id"] = ["a", "b", "c"]
    result = stance.predict(frame, method=method)
    assert list(result.columns) == [*frame.columns, "label", "score", "decided_by", "method"]
    assert result["label"].isin(stance.LABELS).all()
    assert result["score"].between(-1, 1).all()
    assert (result["method"] == method).all()
    assert result["doc_id"].tolist() == ["a", "b", "c"]
    assert "label" not in frame.columns  # the input is not modified


def test_unknown_method_names_value_and_options():
    with pytest.raises(ValueError, match=r"method='vibes'.*'model', 'model_only', 'lexicon'"):
        stance.predict(targets((NEUTRAL, "Ana Silva")), method="vibes")


@pytest.mark.parametrize("method", [*stance.METHODS, None])
def test_empty_frame_gives_empty_result_with_columns(method):
    empty = pd.DataFrame({"text": [], "start": [], "end": []})
    result = stance.predict(empty, method=method)
    assert result.empty
    assert {"label", "score", "method"} <= set(result.columns)


def test_missing_column_is_named():
    with pytest.raises(ValueError, match="no end column"):
        stance.predict(pd.DataFrame({"text": ["a"], "start": [0]}), method="lexicon")


def test_long_text_is_cut_around_the_target():
    text = "word " * 400 + "Jones" + " word" * 400
    start = text.index("Jones")
    marked, target = stance.model_pair(text, start, start + 5)
    assert target == "Jones"
    assert "<< Jones >>" in marked
    assert len(marked) <= 2 * stance.CONTEXT_CHARS + 20


# --- summarize --------------------------------------------------------------------------


def test_t_quantile_matches_tables():
    assert stance_articles.t_quantile(0.975, 1) == pytest.approx(12.7062, abs=1e-3)
    assert stance_articles.t_quantile(0.975, 2) == pytest.approx(4.3027, abs=1e-3)
    assert stance_articles.t_quantile(0.975, 3) == pytest.approx(3.1824, abs=5e-3)
    assert stance_articles.t_quantile(0.975, 10) == pytest.approx(2.2281, abs=1e-3)
    assert stance_articles.t_quantile(0.95, 30) == pytest.approx(1.6973, abs=1e-3)


def test_summarize_known_numbers():
    rows = pd.DataFrame(
        {
            "source": ["A", "A", "A", "B"],
            "entity": ["X", "X", "X", "Y"],
            "doc_id": [1, 1, 2, 3],
            "score": [0.5, -0.5, 0.3, 0.2],
            "label": ["positive", "negative", "positive", "neutral"],
        }
    )
    summary = stance_articles.summarize(rows).set_index(["source", "entity"])
    x = summary.loc[("A", "X")]
    assert x["n"] == 3
    assert x["n_articles"] == 2
    assert x["mean_score"] == pytest.approx(0.1)
    # sd = sqrt(0.28); half width = t(0.975, 2) * sd / sqrt(3)
    half_width = 4.302653 * math.sqrt(0.28) / math.sqrt(3)
    assert x["ci_low"] == pytest.approx(0.1 - half_width, abs=1e-3)
    assert x["ci_high"] == pytest.approx(0.1 + half_width, abs=1e-3)
    assert (x["negative"], x["neutral"], x["positive"]) == (1, 0, 2)
    assert x["positive_share"] == pytest.approx(2 / 3)
    y = summary.loc[("B", "Y")]
    assert y["n"] == 1
    assert math.isnan(y["ci_low"]) and math.isnan(y["ci_high"])
    assert y["neutral_share"] == 1.0


def test_summarize_by_one_column_and_empty():
    rows = pd.DataFrame(
        {
            "entity": ["X", "X"],
            "doc_id": [1, 2],
            "score": [1.0, 0.0],
            "label": ["positive", "neutral"],
        }
    )
    summary = stance_articles.summarize(rows, by="entity", confidence=0.9)
    assert summary["entity"].tolist() == ["X"]
    assert summary["mean_score"].tolist() == [0.5]
    assert stance_articles.summarize(rows.head(0), by="entity").empty
    with pytest.raises(ValueError, match="source"):
        stance_articles.summarize(rows)


# --- benchmark --------------------------------------------------------------------------


def test_eval_script_prints_every_figure_for_each_method(newsmtsc_dir):
    shared = newsmtsc_dir.parents[1]
    if not (shared / "stance" / "persent" / "dev.csv").exists():
        pytest.skip(f"PerSenT dev is absent from {shared} (the bench reads it)")
    completed = subprocess.run(
        [sys.executable, str(REPO / "bench" / "stance_eval.py"), "--limit", "12",
         "--shared", str(shared)],
        capture_output=True, text=True, timeout=900, check=True,
    )  # fmt: skip
    output = completed.stdout
    methods = ["lexicon", "vader"]
    if stance.default_method() == "model":
        methods += ["model", "model_only", "previous"]
    number = r"(\d+\.\d)"
    for method in methods:
        line = re.search(rf"^{method}\s+" + r"\s+".join([number] * 8) + r"\s+(\d+)$", output, re.M)
        assert line, f"no row of figures for {method} in:\n{output}"
        assert all(0 <= float(value) <= 100 for value in line.groups()[:8])
    assert "83.1" in output


# --- article-level label ----------------------------------------------------------------


def article(doc_id: str, *mentions: tuple[str, float]) -> pd.DataFrame:
    """Return a hand-made article's stance rows: one per ``(sentence, score)``, about "Lee"."""
    rows = []
    for sent_id, (sentence, score) in enumerate(mentions):
        rows.append({"doc_id": doc_id, "entity": "Lee", "sent_id": sent_id, "sentence": sentence,
                     "start": sentence.index("Lee"), "score": score,
                     "label": stance_lexicon.label_of(score)})  # fmt: skip
    return pd.DataFrame(rows)


def test_article_label_on_hand_made_articles():
    praised = article("a", ("Lee opened the clinic.", 0.2), ("Nurses thanked Lee.", 0.7))
    attacked = article("b", ("Lee lied to the court.", -0.9), ("Lee was fined.", -0.6))
    plain = article("c", ("Lee met officials.", -0.1), ("Lee spoke on Tuesday.", -0.2))
    # Quoted speech counts half: the outlet's own words decide.
    quoted = article("d", ('A rival said "Lee is a crook".', -0.9), ("Lee won the vote.", 0.7),
                     ("Lee thanked voters.", 0.5))  # fmt: skip
    frame = pd.concat([praised, attacked, plain, quoted], ignore_index=True)
    summary = stance_articles.summarize(frame, by=("doc_id", "entity"))
    assert summary["label"].tolist() == ["positive", "negative", "neutral", "positive"]
    plain_mean = frame[frame["doc_id"] == "d"]["score"].mean()
    assert plain_mean < summary["weighted_score"].iloc[3]


def test_in_quotes_reads_straight_and_curly_marks():
    from kit.corpus.stance_articles import in_quotes

    assert in_quotes('He said "Lee lied" then.', 10)
    assert not in_quotes('He said "Lee lied" then.', 20)
    assert in_quotes("He said “Lee lied” then.", 10)
    assert not in_quotes("He said “Lee lied” then.", 20)


@needs_model
def test_article_label_from_the_model_on_hand_made_articles():
    sentences = [
        ("1", "Dr Ana Ruiz opened a free clinic for children in the valley."),
        ("1", "Parents praised Ana Ruiz for her patience and her care."),
        ("2", "Prosecutors charged Ana Ruiz with fraud and embezzlement."),
        ("2", "Ana Ruiz lied to investigators and hid the stolen money."),
    ]
    frame = pd.DataFrame(
        [
            {
                "doc_id": doc,
                "sent_id": i,
                "entity": "Ana Ruiz",
                "text": text,
                "start": text.index("Ana Ruiz"),
                "end": text.index("Ana Ruiz") + 8,
            }
            for i, (doc, text) in enumerate(sentences)
        ]  # fmt: skip
    )
    scored = stance.predict(frame, method="model").rename(columns={"text": "sentence"})
    summary = stance_articles.summarize(scored, by=("doc_id", "entity"))
    assert summary["label"].tolist() == ["positive", "negative"]


def test_default_falls_back_to_lexicon_with_one_notice(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(stance, "MODEL_DIR", tmp_path)
    stance._notice_fallback.cache_clear()
    assert stance.default_method() == "lexicon"
    first = stance.predict(targets((CONDEMN, "Tom Baker")))
    stance.predict(targets((CONDEMN, "Tom Baker")))
    assert first["method"].tolist() == ["lexicon"]
    assert capsys.readouterr().err.count("using method='lexicon'") == 1
    stance._notice_fallback.cache_clear()


@needs_model
def test_labels_are_calibrated_and_scores_are_not(tmp_path):
    import json

    shipped = json.loads((stance.MODEL_DIR / "calibration.json").read_text())
    bias = stance.logit_bias(str(stance.MODEL_DIR))
    assert np.allclose(bias, [shipped["logit_bias"][label] for label in stance.LABELS])
    # A bias is kept only when it helps on the set its choice never saw (else it is 0).
    assert shipped["dev_rw_macro_f1"]["after"] >= shipped["dev_rw_macro_f1"]["before"]
    assert stance.logit_bias(str(tmp_path)).tolist() == [0, 0, 0]  # no calibration file
    frame = targets(*[(CONDEMN, "Tom Baker"), (PRAISE, "Luis Ortega"), (NEUTRAL, "Ana Silva")])
    logits = stance.model_logits(frame)
    scored = stance.score_with_model(frame)
    expected = [stance.LABELS[i] for i in (logits + bias).argmax(axis=1)]
    assert scored["label"].tolist() == expected
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert np.allclose(scored["score"], probabilities[:, 2] - probabilities[:, 0], atol=1e-6)
