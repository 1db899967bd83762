import Foundation

extension TrainableResNet {
    /// torchvision's `ResNet.__init__` initialisation: every conv `kaiming_normal_(mode='fan_out',
    /// nonlinearity='relu')` (std = sqrt(2 / (out * k * k))), BatchNorm weight 1 and bias 0,
    /// running stats 0 / 1, and `fc` with nn.Linear's default (`kaiming_uniform_(a=sqrt(5))`
    /// and bias, both U(-1/sqrt(in), 1/sqrt(in))).
    func initialiseWeights(_ rng: inout InitRandom) {
        for conv in allConvs {
            let std = (2.0 / Double(conv.outChannels * conv.kernel * conv.kernel)).squareRoot()
            conv.weight.value.withUnsafeMutableBufferPointer { w in
                for i in 0..<w.count { w[i] = Float(std * rng.normal()) }
            }
        }
        for (_, bn) in namedBatchNorms {
            bn.weight.value.withUnsafeMutableBufferPointer { $0.update(repeating: 1) }
            bn.bias.value.zero(); bn.runningMean.zero()
            bn.runningVar.withUnsafeMutableBufferPointer { $0.update(repeating: 1) }
            bn.numBatchesTracked = 0
        }
        let bound = 1 / Double(fc.inFeatures).squareRoot()
        fillUniform(fc.weight.value, bound: bound, &rng)
        fillUniform(fc.bias.value, bound: bound, &rng)
    }

    /// CNNDetection's new head for fine-tuning: `fc.weight ~ N(0, std)` (`init_gain` 0.02);
    /// `fc.bias` keeps nn.Linear's default U(-1/sqrt(in), 1/sqrt(in)), as there.
    public func resetHead(std: Double = 0.02, seed: UInt64 = 0) {
        var rng = InitRandom(seed: seed)
        fc.weight.value.withUnsafeMutableBufferPointer { w in
            for i in 0..<w.count { w[i] = Float(std * rng.normal()) }
        }
        fillUniform(fc.bias.value, bound: 1 / Double(fc.inFeatures).squareRoot(), &rng)
    }

    private func fillUniform(_ t: Tensor, bound: Double, _ rng: inout InitRandom) {
        t.withUnsafeMutableBufferPointer { w in
            for i in 0..<w.count { w[i] = Float((2 * rng.uniform() - 1) * bound) }
        }
    }

    var allConvs: [Conv2d] { [conv1] + blocks.flatMap { $0.namedConvs.map(\.1) } }
}
