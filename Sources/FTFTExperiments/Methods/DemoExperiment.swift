import Foundation

/// The experiment `ftft demo` runs, built into the binary (also committed as experiments/embedded-demo.yaml; a
/// test keeps the two identical).
public enum DemoExperiment {
    public static let yaml = """
        experiment: embedded-demo
        description: "placeholder"
        task: {name: embedded, max_length: 64}
        seeds: [0]
        threads: 2
        models:
          tiny: {scratch: {layers: 1, hidden: 32, heads: 2, intermediate: 128, initializer_range: 0.1}, learning_rate: 1e-3}
          large: {scratch: {layers: 2, hidden: 64, heads: 4, intermediate: 256, initializer_range: 0.1}, learning_rate: 1e-3}
        training: {max_steps: 600, batch_size: 32, eval_interval: 30}
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
