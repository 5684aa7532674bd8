import ArgumentParser
import FTFTCartography
import FTFTExperiments
import FTFTStore

/// A run in an experiment's store as the source of training dynamics (`ftft datamap`, `ftft select`).
struct StoreSourceOptions: ParsableArguments {
    @Option(name: .long, help: "An experiment folder holding ftft.sqlite (use with --run instead of a dynamics folder).")
    var store: String?

    @Option(name: .long, help: "The run id in --store whose training dynamics to use (`ftft runs <experiment folder>` lists them).")
    var run: Int64?

    var isGiven: Bool { store != nil || run != nil }

    func check(positional: String?, name: String) throws {
        switch (positional, store, run) {
        case (nil, nil, nil): throw ValidationError("give \(name), or --store and --run")
        case (_?, nil, nil), (nil, _?, _?): return
        case (nil, _?, nil), (nil, nil, _?): throw ValidationError("--store and --run go together")
        default: throw ValidationError("give either \(name) or --store/--run, not both")
        }
    }

    /// The run's dynamics, first `burnOut` epochs if asked.
    func dynamics(burnOut: Int?) throws -> TrainingDynamics {
        guard let store, let run else { throw ValidationError("--store and --run are required") }
        let opened = try RunStore.open(directory: store, access: .readOnly)
        let dynamics = try StoreDynamics.trainingDynamics(store: opened, run: RunID(run))
        guard let burnOut else { return dynamics }
        return try dynamics.keepingFirstEpochs(min(burnOut, dynamics.epochCount))
    }

    /// The task family of the store run's task (nil without --store, or for a task other than NLI and HSD).
    func taskFamily() throws -> EasyShareReference.TaskFamily? {
        guard let store, let run else { return nil }
        return try StoreDynamics.taskFamily(store: try RunStore.open(directory: store, access: .readOnly), run: RunID(run))
    }
}
