import Foundation

/// Small helpers for samples and wall time.
public enum Statistics {
    /// The median (mean of the two middle values for an even count); 0 for no samples.
    public static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Three significant digits, no exponent for everyday magnitudes.
    public static func format(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1000 || magnitude == 0 { return String(format: "%.0f", value) }
        if magnitude >= 100 { return String(format: "%.1f", value) }
        if magnitude >= 1 { return String(format: "%.2f", value) }
        return String(format: "%.3g", value)
    }
}

/// Wall time of `body` in seconds (ContinuousClock).
@inline(__always)
public func wallSeconds(_ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    return (clock.now - start) / .seconds(1)
}
