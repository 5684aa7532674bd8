/// How metrics are named in table headers and plots.
public enum MetricName {
    /// "acc", "macro-F1", "HANS acc" for the stored names accuracy, macro_f1, hans_accuracy.
    public static func short(_ stored: String) -> String {
        switch stored {
        case "accuracy": return "acc"
        case "macro_f1": return "macro-F1"
        case "hans_accuracy": return "HANS acc"
        default: return stored
        }
    }
}
