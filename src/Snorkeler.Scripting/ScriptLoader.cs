using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using Snorkeler.IO;
using Snorkeler.Loading;

namespace Snorkeler.Scripting;

/// <summary>What happened in one <see cref="ScriptLoader.Load"/>.</summary>
/// <param name="CacheHit">True when the compiled scripts came from the cache (nothing was compiled).</param>
/// <param name="CacheKey">The cache key of the scripts (hex SHA-256), or null when loading stopped before it.</param>
/// <param name="CachePath">The cache entry's file, or null when caching is off.</param>
/// <param name="Elapsed">Wall-clock time of the whole load.</param>
public sealed record ScriptLoadStats(bool CacheHit, string? CacheKey, string? CachePath, TimeSpan Elapsed);

/// <summary>
/// Loads C# script labelling functions (<c>.csx</c>). All scripts of a run are compiled together, once,
/// with Roslyn scripting, and the compiled assembly is cached on disk under a key that hashes every
/// script (including <c>#load</c>-ed ones), the class names, the <c>#r</c>-ed assemblies and the
/// Snorkeler and Roslyn builds; an unchanged set of scripts loads from the cache without compiling.
/// A script declares LFs with <c>Lf("name", row =&gt; ... ? SPAM : ABSTAIN);</c>; see docs/scripts.md.
/// One instance loads one set at a time (<see cref="LastLoad"/> describes the latest); the LFs it returns
/// are safe to call from several threads when the scripts' own code is.
/// </summary>
public sealed class ScriptLoader : ILfLoader
{
    private readonly bool _useCache;

    /// <summary>Creates the loader.</summary>
    /// <param name="useCache">False to compile every time and never touch the cache (for tests and benchmarks).</param>
    public ScriptLoader(bool useCache = true) => _useCache = useCache;

    /// <inheritdoc />
    public string Extension => ".csx";

    /// <summary>What the last <see cref="Load"/> did, or null before the first.</summary>
    public ScriptLoadStats? LastLoad { get; private set; }

    /// <summary>True when the last <see cref="Load"/> took the compiled scripts from the cache.</summary>
    public bool LastLoadWasCacheHit => LastLoad?.CacheHit == true;

    /// <inheritdoc />
    public LfSet Load(IReadOnlyList<LfSourceFile> files, LfLoadContext context)
    {
        Guard.NotNull(files);
        Guard.NotNull(context);
        var clock = Stopwatch.StartNew();
        var diagnostics = new List<Diagnostic>();
        LastLoad = new ScriptLoadStats(false, null, null, TimeSpan.Zero);
        if (files.Count == 0) return new LfSet(context.Schema, [], diagnostics);

        var sources = ScriptSources.Gather(files, context.Unsaved);
        var schema = ScriptLabels.Resolve(sources, context.Schema, diagnostics, out var declaredAt);
        if (schema is null && !diagnostics.Any(d => d.IsError))
        {
            diagnostics.Add(Diagnostic.Error(ScriptCodes.NoLabels, ScriptCodes.NoLabelsMessage, new SourceLocation(files[0].Path, 1, 1)));
            return Done(sources, null, [], diagnostics, null, null, false, clock);
        }
        if (schema is null || diagnostics.Any(d => d.IsError)) return Done(sources, schema, [], diagnostics, null, null, false, clock);

        if (context.DataColumns is { } columns) diagnostics.AddRange(sources.UnknownFields(columns, context.Data));

        var key = sources.Key(schema);
        var entry = _useCache ? ScriptCache.EntryPath(ScriptCache.Folder(context.CacheDirectory), key) : null;
        var compiled = entry is null ? null : ScriptCache.TryRead(entry, key);
        var loaded = compiled is null ? null : Factory(compiled, sources); // null: an entry that passed its checksum but does not load
        var hit = loaded is not null;
        if (loaded is null)
        {
            var (fresh, compileDiagnostics) = ScriptCompiler.Compile(sources, schema, declaredAt, context.Root);
            diagnostics.AddRange(compileDiagnostics.Select(d => d.ToDiagnostic(sources)));
            if (fresh is null) return Done(sources, schema, [], diagnostics, key, entry, false, clock);
            compiled = fresh;
            loaded = Factory(compiled, sources) ?? throw new InvalidOperationException("freshly compiled scripts do not load");
            if (entry is not null)
            {
                try { ScriptCache.Write(entry, key, compiled); }
                catch (SnorkelerException e)
                {
                    diagnostics.Add(new Diagnostic(ScriptCodes.CacheWrite, DiagnosticSeverity.Warning, ScriptCodes.CacheWriteMessage(entry, e.Message), null));
                }
            }
        }
        else diagnostics.AddRange(compiled!.Warnings.Select(d => d.ToDiagnostic(sources)));

        var functions = Run(loaded, sources, schema, key, diagnostics, context.TimeBudget);
        return Done(sources, schema, functions, diagnostics, key, entry, hit, clock);
    }

    private LfSet Done(ScriptSources sources, LabelSchema? schema, IReadOnlyList<LabelingFunction> functions, List<Diagnostic> diagnostics,
        string? key, string? entry, bool hit, Stopwatch clock)
    {
        LastLoad = new ScriptLoadStats(hit, key, entry, clock.Elapsed);
        // The names are checked once the scripts have run, after the compiler's and the run's diagnostics: each file's in line order still.
        return new LfSet(schema, functions, Diagnostic.InOrder(diagnostics), sources.Texts.Where(t => !t.Listed).Select(t => t.FullPath).Concat(sources.References).ToArray());
    }

    /// <summary>The submission's factory method, the load context holding its assembly, the compiled code's column shifts, and what each listed script holds.</summary>
    private sealed record LoadedScripts(MethodInfo Factory, AssemblyLoadContext Context, IReadOnlyList<ColumnShift> Shifts, IReadOnlyList<ScriptContent> Contents);

    /// <summary>Loads the compiled assembly into a new context and finds the submission's factory; null when it does not load.</summary>
    private static LoadedScripts? Factory(CompiledScripts compiled, ScriptSources sources)
    {
        try
        {
            var context = new ScriptLoadContext(sources.References);
            var assembly = context.LoadFromStream(new MemoryStream(compiled.Image), compiled.Pdb is null ? null : new MemoryStream(compiled.Pdb));
            var factory = assembly.GetType(compiled.TypeName, throwOnError: false)
                ?.GetMethod(compiled.MethodName, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static);
            return factory is null ? null : new LoadedScripts(factory, context, compiled.Shifts, compiled.Contents);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or TypeLoadException)
        {
            return null;
        }
    }

    /// <summary>Runs the scripts' top level (which calls <c>Lf</c>) and builds the LFs.</summary>
    /// <remarks>
    /// The top level runs on its own background thread, within <paramref name="budget"/>: code that loops forever is
    /// reported (and abandoned: .NET cannot stop a thread, and a background thread does not keep the process alive).
    /// </remarks>
    private static List<LabelingFunction> Run(LoadedScripts loaded, ScriptSources sources, LabelSchema schema, string key, List<Diagnostic> diagnostics, TimeSpan? budget)
    {
        var globals = new ScriptGlobals(schema, sources.Locate);
        Exception? failure = null;
        Reached? field = null;
        var initialising = false;
        var inStatics = false;
        var topLevel = new Thread(() =>
        {
            globals.RunScriptsOnThisThread();
            try
            {
                // Slot 0 holds the globals, slot 1 the submission (Roslyn's ScriptExecutionState layout).
                var task = (Task<object>)loaded.Factory.Invoke(null, [new object?[] { globals, null }])!;
                task.GetAwaiter().GetResult();
                initialising = true;
                // Script-level static fields are initialised on first use, which may be an LF's first row: a throwing
                // initialiser is reported here, at its line, instead of as a TypeInitializationException at apply time.
                System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(loaded.Factory.DeclaringType!.TypeHandle);
            }
            catch (Exception e)
            {
                field = globals.LastInitialising;
                failure = e;
                while (failure is TargetInvocationException or TypeInitializationException && failure.InnerException is { } inner)
                {
                    inStatics |= failure is TypeInitializationException;
                    failure = inner;
                }
            }
        }, maxStackSize: 16 << 20) { IsBackground = true, Name = "snorkeler-script-top-level" };
        topLevel.Start();
        var finished = topLevel.Join(budget ?? Timeout.InfiniteTimeSpan);
        var running = initialising || globals.LastReached is not { } r ? null : new SourceLocation(sources.DisplayPath(r.File), r.Line, r.Column);
        if (!finished)
        {
            // Still running: a static field's initialiser when one started after the last top-level statement did.
            var statics = globals.Running is { IsStaticField: true } f ? f : null;
            if (statics is not null) running = new SourceLocation(sources.DisplayPath(statics.File), statics.Line, statics.Column);
            diagnostics.Add(Diagnostic.Error(ScriptCodes.TopLevelTimeout, ScriptCodes.TopLevelTimeoutMessage(budget!.Value, statics is not null),
                running ?? new SourceLocation(sources.Listed.First().DisplayPath, 1, 1)));
            return [];
        }
        if (failure is not null)
        {
            // An exception out of a static initialiser comes through the static constructor's TypeInitializationException
            // (or is thrown by RunClassConstructor after the top level): the field that was initialising is the best place
            // when the stack trace has none.
            if (field is not null && (initialising || inStatics))
                running = new SourceLocation(sources.DisplayPath(field.File), field.Line, field.Column);
            var site = ThrowSite(failure, sources, loaded, running);
            var message = failure is InsufficientExecutionStackException ? ScriptCodes.StackExhaustedMessage : ScriptCodes.ScriptThrewMessage(failure, initialising);
            if (failure is System.Text.RegularExpressions.RegexParseException regex && sources.Texts.FirstOrDefault(t => t.DisplayPath == site.Path) is { } script
                && ScriptRegexFault.Locate(script.Text, site.Line, site.Column, regex) is { } fault)
            {
                // A pattern written as a literal: at its character at fault, and without the exception's 0-based offset.
                site = site with { Line = fault.Line, Column = fault.Column, Length = 1 };
                message = ScriptCodes.ScriptThrewMessage(failure, initialising, "invalid regex: " + Snorkeler.Text.RegexFaults.Reason(fault.Pattern, regex));
            }
            diagnostics.Add(Diagnostic.Error(failure is InsufficientExecutionStackException ? ScriptCodes.StackExhausted : ScriptCodes.ScriptThrew, message, site));
            return [];
        }
        diagnostics.AddRange(globals.Diagnostics);

        var functions = new List<LabelingFunction>();
        var byName = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var calls = new Dictionary<string, int>(StringComparer.Ordinal); // how often one Lf call declared the same name (a loop)
        // How often another call declared a name already used, in order: a loop after a declaration of its name is one error, not one per run.
        var reused = new List<(string Name, SourceLocation At)>();
        var reuses = new Dictionary<(string Name, SourceLocation At), int>();
        var fields = sources.FieldNames();
        foreach (var d in globals.Declared)
        {
            var location = sources.Locate(d.File, d.Line, "Lf");
            if (string.IsNullOrWhiteSpace(d.Name) || d.Vote is null)
            {
                diagnostics.Add(Diagnostic.Error(ScriptCodes.InvalidName, ScriptCodes.InvalidNameMessage, location));
                continue;
            }
            if (ScriptCodes.BadNameMessage(d.Name) is { } bad)
            {
                diagnostics.Add(Diagnostic.Error(ScriptCodes.InvalidName, bad, location));
                continue;
            }
            if (!byName.TryAdd(d.Name, location))
            {
                if (byName[d.Name] == location) calls[d.Name] = calls.GetValueOrDefault(d.Name, 1) + 1;
                else if (reuses.TryGetValue((d.Name, location), out var n)) reuses[(d.Name, location)] = n + 1;
                else
                {
                    reused.Add((d.Name, location));
                    reuses[(d.Name, location)] = 1;
                }
                continue;
            }
            functions.Add(Checked(d, location, key, loaded.Context, fields));
        }
        foreach (var (name, at) in reused)
            diagnostics.Add(Diagnostic.Error(ScriptCodes.DuplicateName, ScriptCodes.DuplicateNameMessage(name, byName[name], reuses[(name, at)]), at));
        foreach (var (name, count) in calls)
            diagnostics.Add(Diagnostic.Error(ScriptCodes.DuplicateName, ScriptCodes.RepeatedCallMessage(name, count), byName[name]));
        // An LF counts for the script its Lf call is written in and for the one whose statement was running (main.csx calling a helper of helpers.csx).
        var declaring = globals.Declared.SelectMany(d => d.During is null ? [d.File] : new[] { d.File, d.During })
            .Select(ScriptSources.Normalize).ToHashSet(StringComparer.Ordinal);
        var contents = loaded.Contents.ToDictionary(c => c.Path, StringComparer.Ordinal);
        foreach (var script in sources.Listed)
        {
            // A script that shares code (methods, fields, variables, a Labels line) is fine; one with no code, only statements that declare nothing, or Lf calls that never ran, is a mistake.
            if (declaring.Contains(script.FullPath) || !contents.TryGetValue(script.FullPath, out var content) || content.Kind == ScriptContentKind.SharesCode) continue;
            diagnostics.Add(new Diagnostic(ScriptCodes.NoLfDeclared, DiagnosticSeverity.Warning, ScriptCodes.NoLfDeclaredMessage(content.Kind),
                new SourceLocation(script.DisplayPath, content.Line, content.Column, content.Kind == ScriptContentKind.CallsLf ? 2 : 0)));
        }
        return functions;
    }

    /// <summary>
    /// The LF. Its votes are checked by the applier, like every LF's (an out-of-range vote fails the run naming the LF and the row).
    /// The LF holds the scripts' load context: a collectible context whose object is collected starts unloading
    /// even while its code runs, and then every later load into it fails, such as the first call that needs an
    /// assembly the scripts <c>#r</c> (the runtime loads it lazily, on that call).
    /// Its fields are those the scripts read by a literal name (shared by every LF of the scripts, which share code).
    /// </summary>
    private static LabelingFunction Checked(Declared d, SourceLocation location, string key, AssemblyLoadContext context, IReadOnlyList<string> fields)
    {
        var vote = d.Vote;
        return new LabelingFunction(d.Name, _ =>
        {
            GC.KeepAlive(context); // captured: the binder and the per-row function share one closure holding the context
            return row => vote(row);
        }, location, LabelingFunction.Hash(d.Name + "\n" + key), fields);
    }

    /// <summary>
    /// The script line an exception came from, via the compiled scripts' PDB. A failed range check (an array or string index)
    /// is raised by a runtime helper the JIT calls from the end of the method, and that frame says it was at IL offset 0,
    /// the method's start, which is no place in the script: then the place is <paramref name="fallback"/> (the static field
    /// whose initialiser was running, else the top-level statement running), else the start of the frame's script, else of
    /// the first script.
    /// </summary>
    private static SourceLocation ThrowSite(Exception e, ScriptSources sources, LoadedScripts loaded, SourceLocation? fallback)
    {
        var first = new SourceLocation(sources.Listed.First().DisplayPath, 1, 1);
        MethodBase? callee = null;
        foreach (var frame in new StackTrace(e, fNeedFileInfo: true).GetFrames())
        {
            var method = frame.GetMethod();
            var file = frame.GetFileName() is { } f ? ScriptSources.Normalize(f) : null;
            if (method?.Module.Assembly == loaded.Factory.Module.Assembly && frame.GetILOffset() == 0 && IsThrowHelper(callee))
                return fallback ?? (file is not null && sources.ByFullPath.ContainsKey(file) ? new SourceLocation(sources.DisplayPath(file), 1, 1) : first);
            callee = method;
            var line = frame.GetFileLineNumber();
            if (file is null || line <= 0 || !sources.ByFullPath.ContainsKey(file)) continue;
            return new SourceLocation(sources.DisplayPath(file), line, Math.Max(1, ScriptRewriter.Original(loaded.Shifts, file, line, frame.GetFileColumnNumber())));
        }
        return fallback ?? first;
    }

    /// <summary>The runtime's helpers that raise the exceptions of failed checks: System.ThrowHelper, and in .NET 10 Internal.Runtime.CompilerHelpers.ThrowHelpers.</summary>
    private static bool IsThrowHelper(MethodBase? method)
        => method?.DeclaringType?.FullName is "System.ThrowHelper" or "Internal.Runtime.CompilerHelpers.ThrowHelpers";

    /// <summary>
    /// Each load gets its own collectible context: a cached assembly may be loaded again in the same process,
    /// and is unloaded once its LFs are no longer referenced. Snorkeler and the framework resolve from the
    /// context Snorkeler runs in; <c>#r</c>-ed files from their paths.
    /// </summary>
    private sealed class ScriptLoadContext(IReadOnlyList<string> references) : AssemblyLoadContext("snorkeler-scripts", isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName name)
        {
            foreach (var own in new[] { typeof(ScriptGlobals).Assembly, typeof(LabelingFunction).Assembly })
                if (AssemblyName.ReferenceMatchesDefinition(name, own.GetName())) return own;
            foreach (var path in references)
                if (string.Equals(Path.GetFileNameWithoutExtension(path), name.Name, StringComparison.OrdinalIgnoreCase))
                    return LoadCopy(path);
            return null;
        }

        private const long MaxAssemblyBytes = 256L << 20;

        /// <summary>
        /// Loads a copy of the file's bytes (and its PDB when beside it), not the file: the runtime caches
        /// images by path, so a rebuilt DLL at the same path would otherwise be served stale, and the file
        /// stays free to be rebuilt while LFs run.
        /// </summary>
        private Assembly LoadCopy(string path)
        {
            var pdb = Path.ChangeExtension(path, ".pdb");
            using var image = new MemoryStream(InputFile.ReadAllBytes(path, MaxAssemblyBytes, "a referenced assembly"));
            using var symbols = File.Exists(pdb) ? new MemoryStream(InputFile.ReadAllBytes(pdb, MaxAssemblyBytes, "a referenced assembly's symbols")) : null;
            return LoadFromStream(image, symbols);
        }
    }
}
