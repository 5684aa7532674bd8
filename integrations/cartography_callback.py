"""Training dynamics from a Hugging Face `Trainer`, in allenai/cartography's format, for `ftft`.

Train a cheap reference model anywhere (a GPU, your own training script), record its training dynamics with this
callback, and let ftft train the expensive main model on the subset they select:

    from cartography_callback import CartographyCallback
    callback = CartographyCallback(train_dataset, ids=train_dataset["id"], output_dir="reference-dynamics")
    trainer = Trainer(model=model, args=args, train_dataset=train_dataset, callbacks=[callback])
    trainer.train()

then, in an ftft experiment file, a method with `reference_dynamics: reference-dynamics` (ids must be the ids ftft
reads from the training file: its id field, or the row number 0, 1, … without one).

What is recorded (method.md §2.1, as FTFT and cartography do): for every training example and epoch, the logits of
the training forward pass that used it (dropout on, before the optimizer step that followed), and its gold label.
They are captured by a forward hook on the model while it is in training mode, and matched to examples by their
token ids (the Trainer drops id columns before batching; identical examples are assigned in turn). Each epoch is
written when it ends as `dynamics_epoch_{e}.jsonl`: one line per example, `{"guid": id, "logits_epoch_{e}": [...],
"gold": label}`. An epoch cut short (max_steps in the middle of an epoch) is written with the examples it saw; ftft
drops such a partial last epoch (FTFT's rule). At the end `reference_cost.json` records the Trainer's own estimate
of the training FLOPs (`state.total_flos`, 6 · parameters · tokens) and the training wall time, which ftft adds to
the method's compute, marked as external.

Limits: one process (no multi-GPU gather), no gradient checkpointing recomputation (it would record twice), and the
training set must be tokenized (an `input_ids` column) — the usual `Trainer` setup.
"""
import json
import os
import time
from collections import defaultdict, deque

from transformers import TrainerCallback


class CartographyCallback(TrainerCallback):
    def __init__(self, train_dataset, ids, output_dir, label_column="labels"):
        """`train_dataset`: the tokenized training set given to the Trainer (a `datasets.Dataset` or any sequence of
        dicts with `input_ids` and the label); `ids`: one id per row, in its order; `output_dir`: where the
        dynamics files go (created)."""
        if len(ids) != len(train_dataset):
            raise ValueError(f"{len(ids)} ids for {len(train_dataset)} training examples")
        if len(set(map(str, ids))) != len(ids):
            raise ValueError("ids must be unique")
        self.output_dir = output_dir
        self.ids = [str(i) for i in ids]
        self.golds = []
        # Token ids (without padding) → the rows that have them, for matching batches back to examples.
        self.rows_by_tokens = defaultdict(list)
        for row in range(len(train_dataset)):
            item = train_dataset[row]
            label = item[label_column] if label_column in item else item["label"]
            self.golds.append(int(label))
            tokens = [int(t) for t in item["input_ids"]]
            mask = item.get("attention_mask")
            if mask is not None:
                tokens = [t for t, m in zip(tokens, mask) if m]
            self.rows_by_tokens[tuple(tokens)].append(row)
        self.epoch = 0
        self.pending = {}
        self.available = {}
        self.handle = None
        self.started = None

    def on_train_begin(self, args, state, control, model=None, **kwargs):
        os.makedirs(self.output_dir, exist_ok=True)
        self.started = time.monotonic()
        self._begin_epoch(0)
        self.handle = model.register_forward_hook(self._record, with_kwargs=True)

    def on_epoch_end(self, args, state, control, **kwargs):
        self._write_epoch()
        self._begin_epoch(self.epoch + 1)

    def on_train_end(self, args, state, control, **kwargs):
        if self.pending:
            self._write_epoch()   # an epoch cut short by max_steps
        if self.handle is not None:
            self.handle.remove()
            self.handle = None
        cost = {"training_flops": float(state.total_flos), "wall_seconds": time.monotonic() - self.started,
                "source": "transformers Trainer state.total_flos (6 x parameters x tokens) and wall time"}
        with open(os.path.join(self.output_dir, "reference_cost.json"), "w") as f:
            json.dump(cost, f, indent=2)
            f.write("\n")

    def _begin_epoch(self, epoch):
        self.epoch = epoch
        self.pending = {}
        self.available = {key: deque(rows) for key, rows in self.rows_by_tokens.items()}

    def _record(self, module, args, kwargs, output):
        if not module.training:
            return
        input_ids = kwargs.get("input_ids", args[0] if args else None)
        if input_ids is None:
            return
        mask = kwargs.get("attention_mask")
        logits = output.logits if hasattr(output, "logits") else output[0]
        logits = logits.detach().float().cpu().tolist()
        for i, tokens in enumerate(input_ids.detach().cpu().tolist()):
            if mask is not None:
                tokens = [t for t, m in zip(tokens, mask[i].tolist()) if m]
            queue = self.available.get(tuple(tokens))
            if not queue:
                raise RuntimeError("a training batch holds an example the callback cannot match to the training set "
                                   "(was the dataset changed after the callback was made?)")
            row = queue.popleft()
            self.pending[row] = logits[i]

    def _write_epoch(self):
        path = os.path.join(self.output_dir, f"dynamics_epoch_{self.epoch}.jsonl")
        temporary = path + ".tmp"
        with open(temporary, "w") as f:
            for row in sorted(self.pending):
                record = {"guid": self.ids[row], f"logits_epoch_{self.epoch}": self.pending[row], "gold": self.golds[row]}
                f.write(json.dumps(record) + "\n")
        os.replace(temporary, path)
