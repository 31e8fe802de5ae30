using Snorkeler.IO;

namespace Snorkeler.Cli;

/// <summary>What the values of a path option are to the command.</summary>
internal enum PathRole
{
    /// <summary>Not a file the command reads or writes (a folder for caches, a name...).</summary>
    None,
    /// <summary>Files or LF folders the command reads.</summary>
    Input,
    /// <summary>A file the command writes (replacing it).</summary>
    Output,
    /// <summary>A folder (a cache, a suite of data sets): it may be missing, but if it exists it must be a folder.</summary>
    Folder,
}

/// <summary>
/// The check that runs before a command reads anything: no output may be an input (through a symbolic or hard
/// link, or another spelling of the path), no two outputs of a run may be one file, and no input option may
/// name one file twice. Files are compared by their real identity (<see cref="InputFile.Stat"/>: device and
/// inode on Unix). Each output counts with the files written beside it (a matrix's schema sidecar, a manifest),
/// each input with the files read beside it (a matrix's schema sidecar, a Wrench split's <c>label.json</c>, the
/// LF files of an LF folder). A clash is a usage error (exit 2) naming both options.
/// </summary>
internal static class FileRoles
{
    /// <summary>One file the command touches: the option and value it comes from, and what it is to that value (null: the value itself).</summary>
    private sealed record Touched(string Option, string Given, string? What, string Path, string Identity)
    {
        public override string ToString()
            => What is null ? $"{Option} '{Given}'" : Given == Path ? $"{What} '{Path}'" : $"{What} '{Path}' of {Option} '{Given}'";
    }

    /// <summary>The files written with a matrix output (a .csv or .npy matrix's schema sidecar, a .npy matrix's gold labels).</summary>
    public static IEnumerable<string> Sidecar(string matrix) => MatrixFile.FilesWrittenWith(matrix);

    /// <summary>An output's provenance manifest.</summary>
    public static IEnumerable<string> Manifest(string output) => [Snorkeler.Cli.Manifest.PathFor(output)];

    /// <summary>Checks the command line's files; <paramref name="lfReads"/> adds the files the LFs read (keyword lists, #load-ed scripts).</summary>
    public static void Check(Args args, IEnumerable<string>? lfReads = null)
    {
        var inputs = new List<Touched>();
        var outputs = new List<Touched>();
        foreach (var spec in args.Specs.Where(s => s.Role == PathRole.Folder))
        {
            foreach (var value in args.Values(spec.Name)) RequireFolder(spec.Name, value);
            // the cache folder can come from the environment too (Inputs.CacheRoot)
            if (spec.Name == Inputs.CacheDirOption.Name && args.Values(spec.Name).Count == 0
                && Environment.GetEnvironmentVariable("SNORKELER_CACHE_DIR") is { Length: > 0 } fromEnvironment)
                RequireFolder("SNORKELER_CACHE_DIR", fromEnvironment);
        }
        foreach (var spec in args.Specs.Where(s => s.Role is PathRole.Input or PathRole.Output))
        {
            var given = args.Values(spec.Name);
            if (spec.Role == PathRole.Output)
            {
                foreach (var value in given)
                {
                    // '-' would be written as a file of that name, where a person who gives it expects standard output.
                    if (value == "-")
                        throw new UsageException($"{spec.Name} '-': this output cannot be written to standard output; name a file{(spec.Formats is { } formats ? $" ending {Text.Listing.Join(formats, "or")} (the extension picks the format)" : $" ({spec.Value})")}");
                    outputs.Add(Touch(spec.Name, value, null, value));
                    foreach (var beside in spec.Beside?.Invoke(value) ?? []) outputs.Add(Touch(spec.Name, value, "the file written beside it", beside));
                }
                continue;
            }
            if (spec.DataFiles) RequireNoStrayToken(spec.Name, given);
            var mine = new List<Touched>();
            foreach (var value in given) mine.AddRange(InputFiles(spec, value));
            var twice = mine.Where(t => t.What is null).GroupBy(t => t.Identity).FirstOrDefault(g => g.Count() > 1)?.ToArray();
            if (twice is not null)
                throw new UsageException($"{spec.Name} names one file twice ('{twice[0].Given}' and '{twice[1].Given}'); give each file once");
            inputs.AddRange(mine);
        }
        if (lfReads is not null)
            inputs.AddRange(lfReads.Select(f => Touch("--lfs", f, "the file read by the LFs of --lfs", f)));

        for (var i = 0; i < outputs.Count; i++)
        {
            var output = outputs[i];
            if (output.What is null) AtomicFile.RequirePlace(output.Given);
            // Exit 1 as every output that cannot be written (a folder, a missing folder, a full disk), and as an input that is a pipe.
            if (InputFile.Stat(output.Path).Kind == FileKind.Special)
                throw new SnorkelerException($"{output} is a named pipe, socket or device; an output must be a file (it is written beside, then renamed into place)");
            if (inputs.FirstOrDefault(input => input.Identity == output.Identity) is { } input)
                throw new UsageException($"{output} is the same file as {input}; an output must not overwrite an input");
            for (var j = 0; j < i; j++)
                if (outputs[j].Identity == output.Identity)
                    throw new UsageException($"{outputs[j]} and {output} are the same file; give each output its own path");
            // An output that leads a unit is published under a lock beside it; no other output takes one
            if (output.What is null && args.Specs.First(s => s.Name == output.Option).LeadsUnit?.Invoke(args) == true) AtomicFile.RequireLockPlace(output.Given);
        }
    }

    /// <summary>
    /// An option of data or matrix files takes every token up to the next option, so a stray word after its files
    /// (<c>--dev answers.csv typo</c>) would be read as one more file and reported missing; a later value that is no
    /// file and has no extension a data or matrix file has is taken for what it is, a token that belongs nowhere.
    /// </summary>
    private static void RequireNoStrayToken(string option, IReadOnlyList<string> values)
    {
        foreach (var value in values.Skip(1))
            if (InputFile.Stat(value).Kind == FileKind.Missing && MatrixFile.KnownFormat(value) is null
                && !Path.GetExtension(value).Equals(".txt", StringComparison.OrdinalIgnoreCase))
                throw new UsageException($"unexpected argument '{value}': there is no such file, and {option} reads files ending {Text.Listing.Join(option == "--data" ? DataEndings : DataOrMatrixEndings, "or")}");
    }

    // --data takes data only (apply, label, rows ...); the others take matrices, answers or (--dev) either
    private static readonly IReadOnlyList<string> DataEndings = Data.DataSources.Endings;
    private static readonly IReadOnlyList<string> DataOrMatrixEndings = [.. Data.DataSources.Endings, .. MatrixFile.MatrixOnlyEndings];

    // A pipe or a file where a folder belongs was taken as "no cache" silently; a missing folder is created when needed.
    // Exit 1, as an output or an input that is a pipe: the option is well formed, the file system holds the wrong thing.
    private static void RequireFolder(string option, string value)
    {
        var kind = InputFile.Stat(value).Kind;
        if (kind is FileKind.Missing or FileKind.Directory) return;
        throw new SnorkelerException($"{option} '{value}' is {(kind == FileKind.Special ? "a named pipe, socket or device" : "a file")}, not a folder");
    }

    /// <summary>An input value and the files read with it.</summary>
    private static IEnumerable<Touched> InputFiles(OptionSpec spec, string value)
    {
        var option = spec.Name;
        var facts = InputFile.Stat(value);
        if (facts.Kind == FileKind.Directory)
        {
            foreach (var file in new Loading.LfProject(Inputs.Loaders).Files([value]))
                yield return Touch(option, value, "the LF file", file);
            yield break;
        }
        yield return new Touched(option, value, null, value, facts.Identity);
        if (spec.Alone) yield break;
        foreach (var beside in MatrixFile.FilesReadWith(value))
        {
            var what = beside.EndsWith(".schema.json", StringComparison.Ordinal) ? "the schema sidecar"
                : Path.GetFileName(beside) == "label.json" ? "the label.json" : "the gold labels";
            yield return Touch(option, value, what, beside);
        }
    }

    private static Touched Touch(string option, string given, string? what, string path) => new(option, given, what, path, InputFile.Stat(path).Identity);
}
