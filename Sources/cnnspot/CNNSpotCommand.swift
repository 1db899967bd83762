import ArgumentParser
import CNNSpot

@main
struct CNNSpotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cnnspot",
        abstract: "Spot CNN-generated images (Wang et al., CVPR 2020) natively on a CPU.",
        version: CNNSpotVersion.string,
        // One per line, so branches adding commands merge cleanly.
        subcommands: [
            DetectCommand.self,
            TransformCommand.self,
            ConvertCommand.self,
            InfoCommand.self,
            BenchCommand.self,
            BenchPipelineCommand.self,
            EvalCommand.self,
            RobustnessCommand.self,
            SpectrumCommand.self,
            CalibrateCommand.self,
            TrainCommand.self,
            SynthCommand.self,
            ServeCommand.self,
            MergeCommand.self
        ])

    static func main() {
        OpenMPWaitPolicy.preferPassive()
        // The raw argv bytes, not `CommandLine.arguments` (which replaces bytes that are not
        // UTF-8 with U+FFFD, losing a file name such as caf\xe9.png): see PathBytes.
        let raw = (1..<Int(CommandLine.argc)).compactMap { CommandLine.unsafeArgv[$0].map { PathBytes.string(cString: $0) } }
        main(raw)
    }
}
