"""Ship several runs of ``train/train_stance.py`` as one int8 ONNX model that averages them.

The runs differ only by their seed; each fine-tunes all-MiniLM-L6-v2 with its 30k-word
embedding table frozen, so that table is the same in every run and the ensemble holds it once:
two runs fit in about 34 MB where two whole models would take 46. The model's output is the
log of the members' mean probabilities, so the kit reads it as it reads one model's logits
(``kit.annotate.stance.model_logits``: softmax gives the mean probabilities back).

    .venv/bin/python train/ensemble_stance.py --shared ../shared \\
        --members <run A>/epoch2.pt <run B>/epoch2.pt --out kit/models/stance

Each member is a saved state of a run (``epochN.pt`` or a run's ``checkpoint.pt``); the runs'
commands go in ``meta.json`` with ``--command``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch
from torch import nn

REPO = Path(__file__).resolve().parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO.parent))

from train_stance import StanceClassifier, ship  # noqa: E402


class StanceEnsemble(nn.Module):
    """Return the log of the members' mean stance probabilities (one word table shared)."""

    def __init__(self, members: list[StanceClassifier]) -> None:
        super().__init__()
        shared = members[0].encoder.embeddings.word_embeddings
        for member in members[1:]:
            if not torch.equal(member.encoder.embeddings.word_embeddings.weight, shared.weight):
                raise SystemExit("the members' word embeddings differ: were they trained frozen?")
            member.encoder.embeddings.word_embeddings = shared
        self.members = nn.ModuleList(members)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        token_type_ids: torch.Tensor,
    ) -> torch.Tensor:
        probabilities = torch.stack(
            [
                torch.softmax(member(input_ids, attention_mask, token_type_ids), dim=-1)
                for member in self.members
            ]
        ).mean(0)
        return torch.log(probabilities.clamp(min=1e-9))


def load_member(path: Path) -> StanceClassifier:
    """Return a run's classifier with the weights saved at ``path``."""
    member = StanceClassifier.from_base()
    saved = torch.load(path, weights_only=False)
    member.load_state_dict(saved.get("model", saved))
    return member.eval()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent.parent / "shared")
    parser.add_argument("--members", type=Path, nargs="+", required=True)
    parser.add_argument("--out", type=Path, default=REPO.parent / "kit" / "models" / "stance")
    parser.add_argument("--command", action="append", default=[], help="a member run's command")
    parser.add_argument(
        "--distillation", default=None, help="how the members' soft labels were made, if they were"
    )
    args = parser.parse_args(argv)

    ensemble = StanceEnsemble([load_member(path) for path in args.members]).eval()
    ship(
        ensemble,
        args.out,
        args.shared / "stance" / "newsmtsc",
        {
            "pooling": "concat([CLS], mean of all tokens, mean of segment B) -> linear, per member",
            "ensemble": f"{len(args.members)} runs of train/train_stance.py that differ by "
            "their seed; output: log of the members' mean probabilities; the frozen word "
            "table once",
            "members": [str(path.name) for path in args.members],
            "member_commands": args.command,
            "word_embeddings": "frozen (shared by the members)",
            **({"distillation": args.distillation} if args.distillation else {}),
            "command": "nice -n 10 .venv/bin/python train/ensemble_stance.py "
            + " ".join(argv if argv is not None else sys.argv[1:]),
        },
    )


if __name__ == "__main__":
    main()
