/// One encoded example, as a model sees it. Shapes: all three are [T] for the example's length T.
public struct TokenEncoding: Sendable, Equatable {
    public var inputIds: [Int32]
    /// 0 for the first text and its special tokens, 1 for the second text and its final [SEP]; 0 in padding.
    public var tokenTypeIds: [Int32]
    /// 1 for real tokens, 0 for padding.
    public var attentionMask: [Int32]

    public init(inputIds: [Int32], tokenTypeIds: [Int32], attentionMask: [Int32]) {
        self.inputIds = inputIds
        self.tokenTypeIds = tokenTypeIds
        self.attentionMask = attentionMask
    }

    /// T, the number of positions (padding included).
    public var count: Int { inputIds.count }

    /// Pads on the right to `length` with `padID` (token type 0, mask 0); no-op when already that long or
    /// longer, as in HF (`PaddingStrategy::Fixed`).
    public mutating func pad(to length: Int, padID: Int32) {
        let missing = length - inputIds.count
        guard missing > 0 else { return }
        inputIds.append(contentsOf: repeatElement(padID, count: missing))
        tokenTypeIds.append(contentsOf: repeatElement(0, count: missing))
        attentionMask.append(contentsOf: repeatElement(0, count: missing))
    }
}

/// Hugging Face's `longest_first` truncation (tokenizers, `utils/truncation.rs`, `truncate_encodings`).
public enum Truncation {
    /// The lengths a pair of sequences of `first` and `second` tokens is cut to so that together they fit
    /// `budget` (max length minus the template's special tokens). Cuts are from the right. With s ≤ l the shorter
    /// and longer length:
    /// - nothing to do when s + l ≤ budget;
    /// - else the longer is cut to max(s, budget − s) (when s > budget: to s);
    /// - if that still does not fit, both are cut: the shorter to ⌊budget/2⌋ and the longer to
    ///   ⌊budget/2⌋ + budget mod 2. On a tie (s = l) the *second* sequence is the "longer" one and keeps the odd
    ///   token — unlike the one-at-a-time loop of transformers' Python `BertTokenizerLegacy`, which keeps it in
    ///   the first.
    public static func longestFirst(first: Int, second: Int, budget: Int) -> (first: Int, second: Int) {
        precondition(first >= 0 && second >= 0 && budget >= 0)
        if first + second <= budget { return (first, second) }
        let swapped = first > second
        var short = swapped ? second : first
        var long = swapped ? first : second
        long = short > budget ? short : max(short, budget - short)
        if short + long > budget {
            short = budget / 2
            long = short + budget % 2
        }
        return swapped ? (long, short) : (short, long)
    }
}
