using Snorkeler.Applying;
using Snorkeler.Loading;

namespace Snorkeler.Scripting.Tests;

/// <summary>
/// Scripts whose code fails in ways that used to kill the process or lose the place: endless recursion (in an LF, in a
/// helper of any shape, at top level), range checks, static initialisers, endless top-level loops, odd LF names.
/// </summary>
public sealed class ScriptFailureTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ScriptLoader _loader = new(useCache: false);

    public void Dispose() => _folder.Dispose();

    private string PathOf(string name) => _folder.File(name);

    private LfSet Load(params (string Name, string Text)[] scripts) => ScriptTestKit.Load(_loader, _folder, ScriptTestKit.HamSpam, scripts);

    /// <summary>The diagnostics of one script, as printed.</summary>
    private IEnumerable<string> Diagnostics(string name, string text) => Load((name, text)).Diagnostics.Select(d => d.ToString());

    /// <summary>Calls the vote on a thread with a small stack, as a worker with less stack than the main thread would.</summary>
    private static Exception? VoteOnSmallStack(Func<Data.DataRow, int> vote, Data.DataRow row)
    {
        Exception? thrown = null;
        var thread = new Thread(() =>
        {
            try { vote(row); }
            catch (Exception e) { thrown = e; }
        }, maxStackSize: 512 << 10);
        thread.Start();
        thread.Join();
        return thrown;
    }

    [Fact]
    public void Endless_recursion_through_every_kind_of_body_throws_a_catchable_exception_instead_of_overflowing_the_stack()
    {
        // Given: one LF per kind of body, each recursing forever
        var set = Load(("recurse.csx", """
            static long Block(long n) { return Block(n + 1) + 1; }
            static long Arrow(long n) => Arrow(n + 1) + 1;
            // A recursive call in tail position would be a loop, not a recursion (the JIT reuses the frame), so every call here is followed by work.
            static long Sink;
            static long Run(Action<long> act, long n) { act(n); return n; }
            static void Void(long n) => Sink += Run(Void, n + 1);
            static Func<long, long> Lambda = null!;
            Lambda = n => Lambda(n + 1) + 1;
            static Func<long, long> BlockLambda = null!;
            BlockLambda = n => { return BlockLambda(n + 1) + 1; };
            static Func<long, long> Anonymous = null!;
            Anonymous = delegate (long n) { return Anonymous(n + 1) + 1; };
            static Action<long> VoidLambda = null!;
            VoidLambda = n => Sink += Run(VoidLambda, n + 1);
            static IEnumerable<long> Iterate(long n) { foreach (var x in Iterate(n + 1)) yield return x; yield return n; }
            class Node
            {
                public Node? Next;
                public Node() { }
                public Node(int depth) : this() => Next = new Node(depth + 1);
                public long Depth => Depth + 1;
                public long this[long i] => this[i + 1] + 1;
                public long Both { get { return Both + 1; } set => Both = value; }
                public static Node operator +(Node a, Node b) => (a + b) ?? a;
                public static implicit operator long(Node n) => (long)n + 1;
            }
            Lf("block", row => Block(0) > 0 ? HAM : ABSTAIN);
            Lf("arrow", row => Arrow(0) > 0 ? HAM : ABSTAIN);
            Lf("void", row => { Void(0); return HAM; });
            Lf("lambda", row => Lambda(0) > 0 ? HAM : ABSTAIN);
            Lf("block_lambda", row => BlockLambda(0) > 0 ? HAM : ABSTAIN);
            Lf("anonymous", row => Anonymous(0) > 0 ? HAM : ABSTAIN);
            Lf("void_lambda", row => { VoidLambda(0); return HAM; });
            Lf("local", row => { long Local(long n) => Local(n + 1) + 1; return Local(0) > 0 ? HAM : ABSTAIN; });
            Lf("iterator", row => Iterate(0).Any() ? HAM : ABSTAIN);
            Lf("constructor", row => new Node(0).Next is null ? HAM : ABSTAIN);
            Lf("property", row => new Node().Depth > 0 ? HAM : ABSTAIN);
            Lf("indexer", row => new Node()[0] > 0 ? HAM : ABSTAIN);
            Lf("accessor", row => new Node().Both > 0 ? HAM : ABSTAIN);
            Lf("operator", row => (new Node() + new Node()) is null ? HAM : ABSTAIN);
            Lf("conversion", row => (long)new Node() > 0 ? HAM : ABSTAIN);
            """));
        set.Diagnostics.Where(d => d.IsError).ShouldBeEmpty();
        var data = ScriptTestKit.Texts(_folder, "a");
        var row = data.ReadBatches(1).Single()[0];

        // When / Then: on a small stack, and on a big one (the main thread's), every call ends in the guard's exception
        foreach (var lf in set.Functions)
        {
            var vote = lf.Bind(data.Schema);
            VoteOnSmallStack(vote, row).ShouldBeOfType<InsufficientExecutionStackException>(lf.Name);
            Should.Throw<InsufficientExecutionStackException>(() => vote(row), lf.Name);
        }
        set.Functions.Count.ShouldBe(15);
    }

    [Fact]
    public void Lambdas_made_expression_trees_and_expression_bodies_of_every_kind_still_compute_what_they_did()
    {
        var set = Load(("shapes.csx", """
            using System.Linq.Expressions;
            static Expression<Func<int, int>> Twice = x => x * 2;
            static Func<int, int> TwiceCompiled = Twice.Compile();
            static int Throws(bool b) => b ? throw new InvalidOperationException("no") : 1;
            static Func<int, Func<int, int>> Add = a => b => a + b;
            static int Counter;
            static Action Bump = () => Counter++;
            static ref int Slot() => ref Counter;
            static async System.Threading.Tasks.Task<int> Later(int n) => n == 0 ? 1 : await Later(n - 1);
            static async System.Threading.Tasks.Task Wait() => await System.Threading.Tasks.Task.Yield();
            class Box { public int Value { get; set; } public int Twice => Value * 2; public int this[int i] => Value + i; }
            Lf("shapes", row =>
            {
                Bump(); Slot() += 1; Wait().Wait();
                var box = new Box { Value = 3 };
                return TwiceCompiled(1) + Add(1)(2) + Throws(false) + box.Twice + box[1] + Counter + Later(3).Result == 2 + 3 + 1 + 6 + 4 + 2 + 1 ? HAM : SPAM;
            });
            """));
        set.Diagnostics.ShouldBeEmpty();
        var data = ScriptTestKit.Texts(_folder, "a");

        ScriptTestKit.Votes(set.Functions, data).Single().ShouldBe([0]);
    }

    [Fact]
    public void An_lf_that_recurses_forever_fails_the_apply_run_in_one_line_on_the_applier_s_worker_threads()
    {
        var set = Load(("deep.csx", "static long F(long n) => F(n + 1) + 1;\nLf(\"deep\", row => F(row.Index) > 0 ? HAM : ABSTAIN);\n"));
        var data = ScriptTestKit.Texts(_folder, "a", "b");

        var error = Should.Throw<LfFailedException>(() => Applier.ApplyToMatrix(data, set.Functions, ScriptTestKit.HamSpam,
            new ApplyOptions { Threads = 2, LfTimeBudget = TimeSpan.FromMinutes(5) }));

        error.Message.ShouldStartWith($"LF 'deep' ({PathOf("deep.csx")}(2,1)) failed on row 1 ");
        error.Message.ShouldEndWith(": it recursed too deeply and ran out of stack (an endless recursion?)");
    }

    [Fact]
    public void Endless_recursion_at_top_level_is_reported_at_the_recursing_method()
    {
        Diagnostics("top.csx", "Lf(\"a\", row => HAM);\nstatic long F(long n) { return F(n + 1) + 1; }\nvar z = F(0);\n").ShouldBe([
            $"{PathOf("top.csx")}(2,24): error SNK0612: the scripts' top-level code recursed too deeply and ran out of stack while declaring the LFs (an endless recursion?)",
        ]);
    }

    [Theory]
    [InlineData("var y = \"abc\"[5];")]
    [InlineData("var xs = new int[3]; var y = xs[5];")]
    public void A_failed_range_check_at_top_level_is_reported_at_its_statement(string statement)
    {
        var set = Load(("a.csx", "Lf(\"a\", row => HAM);\n" + statement + "\n"));

        var d = set.Diagnostics.ShouldHaveSingleItem();
        d.ToString().ShouldStartWith($"{PathOf("a.csx")}(2,");
        d.Message.ShouldBe("the script threw IndexOutOfRangeException while declaring its LFs: Index was outside the bounds of the array.");
    }

    [Fact]
    public void A_throw_after_a_lambda_on_the_same_line_keeps_its_column_as_written()
    {
        var set = Load(("a.csx", "Lf(\"a\", row => HAM); var n = int.Parse(\"x\");\n"));

        set.Diagnostics.ShouldHaveSingleItem().Location.ShouldBe(new SourceLocation(PathOf("a.csx"), 1, 30));
    }

    [Theory]
    [InlineData("static int C = A[5];", 5, 1)] // a failed range check: its frame has no line of its own
    [InlineData("static int C = \"abc\"[5];", 5, 1)]
    [InlineData("static int C = Get(5);\nstatic int Get(int i) => A[i];", 5, 1)]
    [InlineData("static int C = checked(int.MaxValue + B);", 5, 1)] // an overflow check, raised the same way
    [InlineData("  static int C = A[5], D = 2;", 5, 3)]
    [InlineData("static int C = Fail();\nstatic int Fail() => throw new InvalidOperationException(\"no\");", 6, 22)] // a throw: its own line
    [InlineData("static string C = ((string)null).Trim();", 5, 1)]
    public void A_static_field_initialiser_that_fails_is_reported_at_its_field_not_at_the_first_static_field(string field, int line, int column)
    {
        // Given two static fields that initialise, then one that fails
        var text = "Lf(\"a\", row => HAM);\nstatic int[] A = new int[2];\nstatic int B = 1;\n\n" + field + "\n";

        // When
        var d = Load(("a.csx", text)).Diagnostics.ShouldHaveSingleItem();

        // Then
        d.Code.ShouldBe(ScriptCodes.ScriptThrew);
        d.Message.ShouldStartWith("the script threw ");
        d.Message.ShouldContain(" while initialising its static fields: ");
        d.Location!.ShouldBe(new SourceLocation(PathOf("a.csx"), line, column));
    }

    [Fact]
    public void A_static_field_read_by_the_top_level_that_fails_a_range_check_is_reported_at_its_field()
    {
        var text = "Lf(\"a\", row => HAM);\nstatic int[] A = new int[2];\nstatic int C = A[5];\nvar c = C;\n";

        Load(("a.csx", text)).Diagnostics.ShouldHaveSingleItem().Location!.ShouldBe(new SourceLocation(PathOf("a.csx"), 3, 1));
    }

    [Fact]
    public void A_static_field_initialiser_that_throws_is_reported_when_the_scripts_load_with_its_cause()
    {
        Diagnostics("a.csx", "Lf(\"a\", row => Y > 0 ? HAM : ABSTAIN);\nstatic int Y = int.Parse(\"x\");\n").ShouldBe([
            $"{PathOf("a.csx")}(2,1): error SNK0607: the script threw FormatException while initialising its static fields: The input string 'x' was not in a correct format.",
        ]);
    }

    [Fact]
    public void Top_level_code_that_never_finishes_is_reported_at_the_statement_running_in_its_own_script()
    {
        var files = new[] { ("a.csx", "Lf(\"a\", row => HAM);\n"), ("b.csx", "var n = 0;\n  while (n >= 0) n = 1;\nLf(\"b\", row => HAM);\n") }
            .Select(s => new LfSourceFile(_folder.Write(s.Item1, s.Item2), s.Item2)).ToArray();

        var set = _loader.Load(files, new LfLoadContext(ScriptTestKit.HamSpam, null, _folder.Path) { TimeBudget = TimeSpan.FromMilliseconds(300) });

        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            $"{PathOf("b.csx")}(2,3): error SNK0610: the scripts' top-level code did not finish within 0.3 s while declaring the LFs (an endless loop? raise the limit with --lf-timeout)",
        ]);
    }

    /// <summary>Loads the scripts with a top-level time budget of 0.3 s.</summary>
    private IEnumerable<string> DiagnosticsWithin300Ms(params (string Name, string Text)[] scripts)
    {
        var files = scripts.Select(s => new LfSourceFile(_folder.Write(s.Name, s.Text), s.Text)).ToArray();
        return _loader.Load(files, new LfLoadContext(ScriptTestKit.HamSpam, null, _folder.Path) { TimeBudget = TimeSpan.FromMilliseconds(300) })
            .Diagnostics.Select(d => d.ToString());
    }

    /// <summary>A helper that never returns (sleeping, so the abandoned thread does not take a core from the other tests).</summary>
    private const string Spin = "static int Spin() { while (true) System.Threading.Thread.Sleep(50); }\n";

    [Fact]
    public void A_static_field_initialiser_that_never_finishes_is_reported_at_its_field_in_its_own_script()
    {
        // Given: the second script's second static field spins; the first script's statics are fine
        var a = ("a.csx", "static int A = 1;\nLf(\"a\", row => A > 0 ? HAM : ABSTAIN);\n");
        var b = ("b.csx", "Lf(\"b\", row => HAM);\nstatic int B = 2;\n  static int C = Spin();\n" + Spin);

        // When
        var diagnostics = DiagnosticsWithin300Ms(a, b);

        // Then
        diagnostics.ShouldBe([
            $"{PathOf("b.csx")}(3,3): error SNK0610: the script did not finish initialising its static fields within 0.3 s (an endless loop? raise the limit with --lf-timeout)",
        ]);
    }

    [Fact]
    public void A_static_field_initialiser_that_a_top_level_statement_starts_and_never_finishes_is_reported_at_its_field()
    {
        // Given: the first script's top level reads the second script's static field, whose initialiser spins
        var a = ("a.csx", "var n = B;\nLf(\"a\", row => HAM);\n");
        var b = ("b.csx", "Lf(\"b\", row => HAM);\nstatic int B = Spin();\n" + Spin);

        // When
        var diagnostics = DiagnosticsWithin300Ms(a, b);

        // Then
        diagnostics.ShouldBe([
            $"{PathOf("b.csx")}(2,1): error SNK0610: the script did not finish initialising its static fields within 0.3 s (an endless loop? raise the limit with --lf-timeout)",
        ]);
    }

    [Fact]
    public void Loads_running_at_once_each_report_the_static_field_of_their_own_scripts()
    {
        // Given: four folders whose hanging field is on a different line of b.csx each
        var folders = Enumerable.Range(1, 4).Select(_ => new TempFolder()).ToArray();
        try
        {
            var loads = folders.Select((folder, k) =>
            {
                var b = "Lf(\"b\", row => HAM);\n" + string.Concat(Enumerable.Repeat("static int Fine{0} = {0};\n", k + 1).Select((f, i) => string.Format(f, i)))
                    + "static int Hangs = Spin();\n" + Spin;
                var files = new[] { ("a.csx", "Lf(\"a\", row => HAM);\n"), ("b.csx", b) }
                    .Select(s => new LfSourceFile(folder.Write(s.Item1, s.Item2), s.Item2)).ToArray();
                return (Files: files, Folder: folder, HangLine: k + 3);
            }).ToArray();

            // When: loaded on four threads at once
            var results = loads.AsParallel().WithDegreeOfParallelism(4).Select(l => new ScriptLoader(useCache: false)
                .Load(l.Files, new LfLoadContext(ScriptTestKit.HamSpam, null, l.Folder.Path) { TimeBudget = TimeSpan.FromMilliseconds(300) })
                .Diagnostics.Single().Location).ToArray();

            // Then
            results.ShouldBe(loads.Select(l => new SourceLocation(l.Folder.File("b.csx"), l.HangLine, 1)));
        }
        finally
        {
            foreach (var folder in folders) folder.Dispose();
        }
    }

    [Fact]
    public void Top_level_code_that_never_finishes_after_the_static_fields_were_initialised_is_reported_at_its_statement()
    {
        // Given: a static field read (and initialised) by the first statement, then a loop in the second script
        var a = ("a.csx", "static int A = 1;\nvar n = A;\nLf(\"a\", row => HAM);\n");
        var b = ("b.csx", "var m = 0;\nwhile (m >= 0) System.Threading.Thread.Sleep(50);\n");

        // When
        var diagnostics = DiagnosticsWithin300Ms(a, b);

        // Then
        diagnostics.ShouldBe([
            $"{PathOf("b.csx")}(2,1): error SNK0610: the scripts' top-level code did not finish within 0.3 s while declaring the LFs (an endless loop? raise the limit with --lf-timeout)",
        ]);
    }

    [Fact]
    public void A_nuget_reference_says_that_nuget_is_not_supported_and_what_to_do_instead()
    {
        Diagnostics("a.csx", "#r \"nuget: Newtonsoft.Json, 13.0.1\"\nLf(\"a\", row => HAM);\n").ShouldBe([
            $"{PathOf("a.csx")}(1,1): error SNK0613: NuGet references are not supported: put the package's DLL (from its .nupkg, a zip file: lib/<framework>/Name.dll) beside the scripts and reference the file, as in #r \"lib/Name.dll\"",
        ]);
    }

    [Fact]
    public void LF_names_that_are_not_trimmed_or_hold_control_characters_are_errors_at_their_Lf_call()
    {
        var set = Load(("names.csx", "Lf(\"short \", row => HAM);\nLf(\" lead\", row => HAM);\nLf(\"a\\nb\", row => HAM);\nLf(\"ok\", row => HAM);\n"));

        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            $"{PathOf("names.csx")}(1,1): error SNK0606: LF name 'short ' starts or ends with a space, which no one sees in a table; write it as 'short'",
            $"{PathOf("names.csx")}(2,1): error SNK0606: LF name ' lead' starts or ends with a space, which no one sees in a table; write it as 'lead'",
            $"{PathOf("names.csx")}(3,1): error SNK0606: LF name 'a\\nb' contains the control character U+000A: a name is a column of the label matrix and must fit on one line; use letters, digits and '_'",
        ]);
        set.Functions.Select(f => f.Name).ShouldBe(["ok"]);
    }

    [Fact]
    public void A_name_written_with_a_combining_accent_is_an_error_since_it_only_looks_like_the_name_people_type()
    {
        var set = Load(("names.csx", "Lf(\"\u00e9t\u00e9\", row => HAM);\nLf(\"e\u0301te\u0301\", row => SPAM);\n"));

        set.Diagnostics.Select(d => d.ToString()).ShouldBe([
            $"{PathOf("names.csx")}(2,1): error SNK0606: LF name 'e\u0301te\u0301' writes an accent as a separate combining character (U+0301); type the accented letter itself (é, not e followed by U+0301), so the name is the one people type",
        ]);
        set.Functions.Select(f => f.Name).ShouldBe(["\u00e9t\u00e9"]);
    }
}
