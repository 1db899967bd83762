/// Cumulative true/false positive counts at each distinct score, highest score first:
/// scikit-learn's `_binary_clf_curve`. Predicting "fake" for `score >= thresholds[k]` gives
/// `truePositives[k]` and `falsePositives[k]`.
struct ThresholdCurve {
    var thresholds: [Double] = []
    var truePositives: [Int] = []
    var falsePositives: [Int] = []

    init(_ data: LabeledScores) {
        // The order among equal scores does not matter: only the counts at distinct scores are kept.
        let order = data.scores.indices.sorted { data.scores[$0] > data.scores[$1] }
        var tp = 0, fp = 0
        for (rank, i) in order.enumerated() {
            if data.labels[i] == 1 { tp += 1 } else { fp += 1 }
            let isLastOfTie = rank == order.count - 1 || data.scores[order[rank + 1]] != data.scores[i]
            if isLastOfTie {
                thresholds.append(data.scores[i])
                truePositives.append(tp)
                falsePositives.append(fp)
            }
        }
    }
}
