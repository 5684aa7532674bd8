import Foundation
import FTFTData

/// Every key of an experiment file, with its values, default and meaning: the reference page
/// (`docs/experiment-files.md`, printed by `ftft schema`). A test parses files that use every key while
/// `SchemaRecorder` notes each key the parser asks for, and checks that the two sets are equal, so this table
/// cannot drift from the parser (`ExperimentSpec+Loading.swift`, `SpecParser+Sections.swift`).
///
/// Paths: `a.b` nests mappings, `[]` is any element of a list, `<name>` any model name.
public enum ExperimentSchema {
    public struct Key: Sendable {
        public let path: String
        public let values: String
        public let defaultValue: String
        public let meaning: String
    }

    static func key(_ path: String, _ values: String, _ defaultValue: String, _ meaning: String) -> Key {
        Key(path: path, values: values, defaultValue: defaultValue, meaning: meaning)
    }

    static let embedded = EmbeddedTaskConfig()
    static let dataFile = "a data file: {path, format, text, pair, label, id, name}"

    public static let sections: [(title: String, keys: [Key])] = [
        ("The experiment", [
            key("experiment", "name: letters, digits, `.`, `_`, `-`", "required", "the experiment's folder in the output folder"),
            key("description", "text", "none", "shown in reports"),
            key("seeds", "list of integers ≥ 0", "required", "one run of every method per seed; the main run with seed s uses the reference run with seed s"),
            key("threads", "1…256", "the cores available ($SLURM_CPUS_PER_TASK in a Slurm job)", "ftft's threads (results do not depend on it)"),
            key("compute_unit", "a model name", "the main model of the first ftft method, else of the first method", "its ERM run is compute 100"),
            key("keep_checkpoints", "true, false", "false", "keep each run's last training checkpoint (with AdamW moments) after it finishes"),
            key("store_logits", "true, false", "true", "store every evaluation's logits in the run store"),
            key("blas_kernel", "an OpenBLAS kernel name (its OPENBLAS_CORETYPE, e.g. Haswell)", "OpenBLAS's choice for the CPU", "pin OpenBLAS's kernel so results are bit-identical across machines that can run it (`--blas-kernel` overrides; README: reproducing results bit for bit)"),
        ]),
        ("task", [
            key("task", "mapping", "required", "the data"),
            key("task.name", "embedded, nli, hsd, files", "required", "the built-in task, the paper's NLI or HSD data, or your own files"),
            key("task.max_length", "2…4096", "128", "truncation length in tokens, special tokens included (longest_first for pairs)"),
            key("task.data_root", "folder", "$FTFT_DATA, else $FTFT_SHARED/datasets, else ../shared/datasets", "nli and hsd only: where their files are"),
            key("task.train_limit", "integer ≥ 1", "all", "train on a seeded stratified sample of this many examples"),
            key("task.eval_limit", "integer ≥ 1", "all", "evaluate on a seeded stratified sample of at most this many examples of each set"),
            key("task.sample_seed", "integer", "0", "seed of those samples"),
            key("task.embedded", "mapping (`EmbeddedTaskConfig` in snake_case)", "the built-in sizes", "embedded only"),
            key("task.embedded.seed", "integer", "\(embedded.seed)", "embedded only: the generator's seed"),
            key("task.embedded.train_size", "integer", "\(embedded.trainSize)", "embedded only"),
            key("task.embedded.validation_size", "integer", "\(embedded.validationSize)", "embedded only"),
            key("task.embedded.ood_dev_size", "integer", "\(embedded.oodDevSize)", "embedded only"),
            key("task.embedded.ood_test_size", "integer", "\(embedded.oodTestSize)", "embedded only"),
            key("task.embedded.minimum_length", "integer", "\(embedded.minimumLength)", "embedded only: words per sentence"),
            key("task.embedded.maximum_length", "integer", "\(embedded.maximumLength)", "embedded only: words per sentence"),
            key("task.embedded.maximum_sentiment_words", "integer", "\(embedded.maximumSentimentWords)", "embedded only"),
            key("task.embedded.maximum_margin", "integer", "\(embedded.maximumMargin)", "embedded only: majority margin of the sentiment words"),
            key("task.embedded.sentiment_words_per_polarity", "integer", "\(embedded.sentimentWordsPerPolarity)", "embedded only"),
            key("task.embedded.train_shortcut_breaking_fraction", "fraction", "\(embedded.trainShortcutBreakingFraction)", "embedded only"),
            key("task.embedded.ood_shortcut_breaking_fraction", "fraction", "\(embedded.oodShortcutBreakingFraction)", "embedded only"),
            key("task.embedded.label_noise", "fraction", "\(embedded.labelNoise)", "embedded only"),
            key("task.validation_fraction", "(0, 1)", "nli: 0.2; files: 0.1", "nli: the MultiNLI dev-matched split; files without validation: the share of the training file held out for validation (seeded, stratified)"),
            key("task.split_seed", "integer", "0", "nli and files: the seed of that split"),
            key("task.labels", "list of ≥ 2 distinct names", "the training file's distinct label values, sorted (integers numerically)", "files only: class names in class order"),
            key("task.metric", "accuracy, macro_f1, hans_accuracy", "accuracy", "files only: the metric of every set"),
            key("task.train", dataFile, "required", "files only: the training set"),
            key("task.validation", dataFile, "a held-out share of train (validation_fraction)", "files only: the in-distribution validation set"),
            key("task.ood_dev", "list of data files", "none", "files only: the out-of-distribution dev sets; their mean metric is the early-stopping criterion (without them: the validation metric)"),
            key("task.ood_test", "list of data files", "none", "files only: the out-of-distribution test sets (reported)"),
        ]),
        ("A data file (task.train, task.validation, task.ood_dev[], task.ood_test[])", [
            key("task.train.path", "file (.jsonl, .csv, .tsv, optionally .gz)", "required", "relative paths are relative to the experiment file"),
            key("task.train.format", "jsonl, csv, tsv", "from the file name", "the container format"),
            key("task.train.text", "field name", "required", "the JSON key or CSV/TSV column of the text (the premise of a pair)"),
            key("task.train.pair", "field name", "none", "the second text of a pair"),
            key("task.train.label", "field name", "required", "the label (a name, or an integer)"),
            key("task.train.id", "field name", "the row number", "the example id (unique); ids name examples in data maps and selections"),
            key("task.train.name", "text", "train, validation, ood_dev_<i>, ood_test_<i>", "the set's name in results"),
        ]),
        ("models", [
            key("models", "mapping: name → model", "required", "the models the methods use, by name"),
            key("models.<name>", "mapping", "", "one model: scratch or pretrained, learning_rate, tokenizer, max_steps"),
            key("models.<name>.scratch", "{layers, hidden, heads, intermediate, dropout, initializer_range}", "give scratch or pretrained", "a BERT trained from scratch (Hugging Face initialisation, seeded)"),
            key("models.<name>.scratch.layers", "1…65536", "required", ""),
            key("models.<name>.scratch.hidden", "1…65536, a multiple of heads", "required", ""),
            key("models.<name>.scratch.heads", "1…65536", "required", ""),
            key("models.<name>.scratch.intermediate", "1…65536", "required", ""),
            key("models.<name>.scratch.dropout", "[0, 1)", "0.1", "hidden and attention dropout"),
            key("models.<name>.scratch.initializer_range", "(0, 1]", "0.02", "standard deviation of the initial weights"),
            key("models.<name>.pretrained", "folder with config.json, model.safetensors and a tokenizer", "give scratch or pretrained", "a Hugging Face BERT; a missing pooler or classifier starts fresh (seeded)"),
            key("models.<name>.learning_rate", "number > 0", "required", "peak learning rate (Hugging Face: learning_rate)"),
            key("models.<name>.max_steps", "integer ≥ 1", "training.max_steps", "this model's runs make this many updates (warmup and decay scale with it; evaluation every training.eval_interval and at the last): a cheaper reference, or a fraction of the budget (the paper's Figure 1)"),
            key("models.<name>.tokenizer", "vocab.txt, tokenizer.json or a model folder", "the pretrained folder; the embedded vocabulary for scratch models on the embedded task", "required for scratch models on other tasks"),
        ]),
        ("training (one recipe for every run)", [
            key("training", "mapping", "required", ""),
            key("training.max_steps", "integer ≥ 1", "required", "optimizer updates (Hugging Face: max_steps; epochs × ⌈examples / batch_size⌉)"),
            key("training.batch_size", "integer ≥ 1", "32", "(Hugging Face: per_device_train_batch_size)"),
            key("training.warmup_rate", "number ≥ 0", "0.1", "share of max_steps with linear warmup (Hugging Face: warmup_ratio)"),
            key("training.eval_interval", "integer ≥ 1, ≤ max_steps", "required", "evaluate and checkpoint every this many updates and at the last (Hugging Face: eval_steps)"),
            key("training.eval_batch_size", "integer ≥ 1, or null", "null", "at most this many examples per evaluation batch; FTFT's loop: 64 with eval_order: data_set (Hugging Face: per_device_eval_batch_size)"),
            key("training.eval_batch_tokens", "integer ≥ 1, or null", "8192", "at most this many padded tokens (examples × longest) per evaluation batch; null: bounded by eval_batch_size only"),
            key("training.eval_order", "length, data_set", "length", "evaluation batches cut from each set sorted by length (less padding, the same logits within a few ulps) or in data-set order (FTFT's loop)"),
            key("training.evaluation", "reported, every_checkpoint", "reported", "reported: the early-stopping sets at every checkpoint, the others only where a checkpoint can be reported (the last; for early-stopped methods each new best) — the same reported numbers; every_checkpoint: every set at every checkpoint (learning curves)"),
            key("training.early_stopping", "live, post_hoc", "live", "live: each early-stopped row (erm_es, ftft) trains its own run and stops it; post_hoc: the paper's accounting — the row is read from the full-length run of the same configuration that another row trains (ERM for ERM(ES), DM for FTFT), which then records what the live run would up to the stop (the same updates bit for bit); rows without such a counterpart run live"),
            key("training.batching", "random, length_grouped", "random", "training batches: a seeded shuffle (FTFT's), or length-grouped (Hugging Face: group_by_length): the shuffle cut into mega-batches of mega_batch_mult batches, each sorted by length"),
            key("training.mega_batch_mult", "integer ≥ 1", "50", "batching: length_grouped only: batches per mega-batch"),
            key("training.adam_eps", "number > 0", "1e-6", "AdamW epsilon (Hugging Face: adam_epsilon)"),
            key("training.weight_decay", "number ≥ 0", "0", "decoupled weight decay (not on biases and LayerNorm weights)"),
            key("training.max_grad_norm", "number > 0, or null", "1.0", "global-norm clipping; null turns it off"),
        ]),
        ("methods (the rows of the comparison)", [
            key("methods", "list", "required", "each method runs once per seed"),
            key("methods[].label", "text, unique", "the method's name", "the row's name in results"),
            key("methods[].method", "erm, erm_es, dm, random_dm, ftft", "required", "ERM, ERM with early stopping, data-map subset, random subset, FTFT (data-map subset + early stopping)"),
            key("methods[].model", "a model name", "required", "the main model"),
            key("methods[].reference", "a model name", "dm and ftft: one of reference, subset_file, reference_dynamics", "the reference model, trained here (its ERM run)"),
            key("methods[].subset_file", "file of ids, one per line (as `ftft select` writes)", "", "dm and ftft: the subset chosen outside (any trainer); every id must be a training example; `# training_flops: N` and `# wall_seconds: S` comment lines give the reference's cost, added to compute and marked external"),
            key("methods[].reference_dynamics", "folder of cartography `dynamics_epoch_{e}.jsonl` files", "", "dm and ftft: a reference trained elsewhere (e.g. integrations/cartography_callback.py); mapped and selected here with mode, rate, rule and ddof; a `reference_cost.json` beside them gives its cost"),
            key("methods[].mode", "ambiguous, hard, easy", "ambiguous", "dm and ftft: the data-map region"),
            key("methods[].rate", "(0, 1)", "0.33", "dm, random_dm, ftft: the share of the training set"),
            key("methods[].rule", "ftft, exact, cartography", "ftft", "dm, random_dm, ftft: how many examples a rate selects (README: selection rules)"),
            key("methods[].ddof", "0, 1", "1", "dm and ftft: variability's degrees of freedom"),
            key("methods[].patience", "integer ≥ 1", "2", "erm_es and ftft: evaluations without improvement of the criterion before stopping"),
            key("methods[].keep", "best, last, none", "none", "keep the main run's weights as a Hugging Face model folder (models/run-<id>-<best|last>/, named in manifest.json): best = the evaluation with the best criterion (what early-stopped methods report), last = when training ended"),
        ]),
    ]

    public static var keys: [Key] { sections.flatMap(\.keys) }

    /// Key paths as the parser asks for them: a data file's keys under every set that is a data file.
    public static var parserKeyPaths: Set<String> {
        var paths = Set<String>()
        for key in keys {
            if key.path.hasPrefix("task.train.") {
                let leaf = key.path.dropFirst("task.train.".count)
                for set in ["task.train", "task.validation", "task.ood_dev[]", "task.ood_test[]"] { paths.insert("\(set).\(leaf)") }
            } else {
                paths.insert(key.path)
            }
        }
        return paths
    }

    /// The reference page (Markdown).
    public static var markdown: String {
        var text = """
            # Experiment files

            An experiment is one YAML file: a task, models, one training recipe, the methods to compare and the seeds
            (examples in `experiments/`). Every key is listed here; any other key is an error naming the file, the key
            path and the line, with a suggestion when a key is misspelt or named as in Hugging Face's
            `TrainingArguments`. Relative paths are relative to the file. Numbers such as `1e-5` are numbers.

            This page is generated from `Sources/FTFTExperiments/Experiment/ExperimentSchema.swift` (`ftft schema`
            prints it) and a test checks it against the parser.

            """
        for section in sections {
            text += "\n## \(section.title)\n\n| key | values | default | meaning |\n|---|---|---|---|\n"
            for key in section.keys {
                let cells = [key.path, key.values, key.defaultValue, key.meaning].map { $0.replacingOccurrences(of: "|", with: "\\|") }
                text += "| `\(cells[0])` | \(cells[1]) | \(cells[2]) | \(cells[3]) |\n"
            }
        }
        return text
    }
}
