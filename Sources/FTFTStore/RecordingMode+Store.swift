import FTFTCartography

extension RecordingMode {
    /// How the store spells the mode in its `mode` and `dynamics_mode` columns (the schema's spelling since
    /// its first migration; the cartography module's raw values are those of its files and command line).
    var storeCode: String {
        switch self {
        case .trainingPass: return "training_pass"
        case .epochEndEvaluation: return "end_of_epoch_pass"
        case .unknown: return "unknown"
        }
    }

    init?(storeCode: String) {
        guard let mode = Self.allCases.first(where: { $0.storeCode == storeCode }) else { return nil }
        self = mode
    }
}
