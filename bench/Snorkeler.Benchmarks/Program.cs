using BenchmarkDotNet.Running;

namespace Snorkeler.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Snorkeler.Benchmarks -- VERB</c>:
/// <list type="bullet">
/// <item><c>e2e [--quick] [--work DIR] [--only PREFIX,...]</c>: generates the data sets and runs every scenario in a fresh child process, printing one table.</item>
/// <item><c>child SCENARIO ARGS...</c>: one scenario in this process (used by e2e); prints <c>RESULT seconds rows peak-bytes</c>.</item>
/// <item><c>crowd [--work DIR] [--tasks N] [--workers N] [--answers N] [--models auto,...]</c>: writes a generated long-format crowd (1 M tasks, 2,500 workers, 6 M answers by default) and times fit + predict through the CLI.</item>
/// <item><c>crowd-suite [--models mv,ibcc,mace,ebcc,auto,ebcc/subtypes=1,...] [--seeds 40,71] [--shared DIR]</c>: accuracy of the crowd models on the three public crowd sets and the generated suite (<see cref="CrowdSuite"/>); <c>crowd-suite generate --out DIR --seed S [--valid-share F] [--test-share F] [--family suite|large]</c> writes the generated crowds as Wrench-format sets with dev splits.</item>
/// <item><c>lf-suite generate --out DIR --seed S [--sets N] | run --dir DIR [--models LIST] [--seed S]</c>: generated Wrench-format LF data sets of seven families and every label model's difference to majority vote on them (<see cref="LfSuite"/>).</item>
/// <item><c>sizes [--repeat N] [--rows N,...] [--cli PATH] [--env NAME=VALUE]</c>: the whole <c>snorkeler apply</c> process over file sizes (<see cref="WholeProcess"/>).</item>
/// <item><c>cli-model [...]</c>: the whole <c>snorkeler fit</c> and <c>predict</c> processes on 1 M × 50 × 3 from .snkm and .npy.</item>
/// <item><c>micro [BenchmarkDotNet args]</c>: the BenchmarkDotNet micro-benchmarks of the hot paths.</item>
/// <item><c>studio [--quick] [--work DIR]</c>: the studio's edit latency, suggestions and next-rows figures (<see cref="StudioBench"/>).</item>
/// </list>
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: Snorkeler.Benchmarks e2e [--quick] [--work DIR] [--only NAME,...] | crowd [--work DIR] [--tasks N] [--workers N] [--answers N] [--models auto,...] | crowd-suite [--models M,...] [--seeds N,...] | crowd-suite generate --out DIR --seed S [--valid-share F] [--test-share F] [--family suite|large] | lf-suite generate --out DIR --seed S [--sets N] | lf-suite run --dir DIR [--models M,...] [--seed S] | sizes|cli-model [--work DIR] [--repeat N] [--rows N,...] [--cli PATH] [--env NAME=VALUE] | child SCENARIO ARGS... | micro [BenchmarkDotNet args]");
            return 2;
        }
        return args[0] switch
        {
            "e2e" => EndToEnd.Run(args[1..]),
            "crowd" => CrowdBench.Run(args[1..]),
            "crowd-suite" => CrowdSuite.Run(args[1..]),
            "lf-suite" => LfSuite.Run(args[1..]),
            "child" => Scenarios.RunChild(args[1..]),
            "micro" => RunMicro(args[1..]),
            "sizes" => WholeProcess.Sizes(args[1..]),
            "cli-model" => WholeProcess.Model(args[1..]),
            "profile-model" => Profile.Run(args[1..]),
            "profile-rules" => ProfileRules.Run(args[1..]),
            "profile-format" => ProfileFormat.Run(args[1..]),
            "studio" => StudioBench.Run(args[1..]),
            _ => Usage(args[0]),
        };
    }

    private static int RunMicro(string[] args)
    {
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    private static int Usage(string verb)
    {
        Console.Error.WriteLine($"unknown verb '{verb}' (e2e, crowd, crowd-suite, lf-suite, sizes, cli-model, child, micro, profile-model, profile-rules, profile-format)");
        return 2;
    }
}
