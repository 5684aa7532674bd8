import Foundation

/// The experiment `ftft demo` runs, built into the binary (also committed as experiments/embedded-demo.yaml; a
/// test keeps the two identical).
public enum DemoExperiment {
    public static let yaml = """
        # ftft demo: the whole FTFT comparison on the built-in embedded task, from scratch, on a CPU in minutes.
        # Task defaults: 3,000 training sentences, a topic word (the shortcut, with the label on 90 % of clean training
        # examples, at chance OOD) and 1-7 sentiment words whose majority (always by one word) is the label.
        # Reference model: tiny (1 layer, width 32); main model: large (2 layers, width 64). 600 steps of batch 32
        # (6.4 epochs); evaluation every 30 steps (about one epoch of the 33 % subset). Measured (README table): in this
        # budget tiny stays on the shortcut, and large learns most of the real rule in 2 of 3 seeds.
        experiment: embedded-demo
        description: "The built-in embedded task (topic-word shortcut, 10 % shortcut-breaking training sentences, 10 % label noise, OOD sets where the topic is at chance); models trained from scratch."
        task: {name: embedded, max_length: 64}
        seeds: [0, 1, 2]
        threads: 2
        # OpenBLAS kernel, pinned so that every x86-64 machine with AVX2 computes the same bits (README: reproducing).
        blas_kernel: Haswell
        models:
          tiny: {scratch: {layers: 1, hidden: 32, heads: 2, intermediate: 128}, learning_rate: 1e-3}
          large: {scratch: {layers: 2, hidden: 64, heads: 4, intermediate: 256}, learning_rate: 1e-3}
        training: {max_steps: 600, batch_size: 32, eval_interval: 30}
        compute_unit: large
        methods:
          - {label: "ERM tiny", method: erm, model: tiny}
          - {label: "ERM large", method: erm, model: large}
          - {label: "ERM(ES) large", method: erm_es, model: large, patience: 2}
          - {label: "Random DM large", method: random_dm, model: large}
          - {label: "DM large→large", method: dm, reference: large, model: large}
          - {label: "DM tiny→large", method: dm, reference: tiny, model: large}
          - {label: "FTFT tiny→large", method: ftft, reference: tiny, model: large, patience: 2}
        """

    public static func spec() throws -> ExperimentSpec {
        try ExperimentSpec.parse(yaml: yaml, file: "(built-in embedded-demo)", baseDirectory: FileManager.default.currentDirectoryPath)
    }
}
