using System.Text.RegularExpressions;

namespace ClawGroups.Browser.Tests.Production;

/// <summary>
/// README's production recipe (the shell block of its section "Running on PostgreSQL"), read from the README itself so
/// that what is tested cannot drift from what people are told to type. Only what must differ on a test machine is
/// replaced: the connection string (a throwaway database) and the folder the app is published to (a temporary one).
/// </summary>
public sealed partial class ProductionRecipe
{
    public const string Section = "## Running on PostgreSQL";

    private ProductionRecipe(string script) => Script = script;

    /// <summary>The recipe's shell lines, as written in the README.</summary>
    public string Script { get; }

    public static ProductionRecipe Read(string readmePath)
    {
        var readme = File.ReadAllText(readmePath);
        var start = readme.IndexOf(Section + "\n", StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidOperationException($"{readmePath} has no section \"{Section}\": the production recipe moved.");
        }

        var end = readme.IndexOf("\n## ", start + Section.Length, StringComparison.Ordinal);
        var block = ShellBlock().Match(readme, start);
        return block.Success && (end < 0 || block.Index < end)
            ? new ProductionRecipe(block.Groups["script"].Value)
            : throw new InvalidOperationException($"The section \"{Section}\" of {readmePath} has no ```bash block.");
    }

    /// <summary>The recipe with the test's database, and with its publish folder (if it publishes) moved to <paramref name="publishFolder"/>.</summary>
    public string For(string connectionString, string publishFolder)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        if (!ConnectionStringLine().IsMatch(Script))
        {
            throw new InvalidOperationException($"The recipe no longer exports ConnectionStrings__ClawGroups, so the test cannot give it a database:\n{Script}");
        }

        var script = ConnectionStringLine().Replace(Script, $"export ConnectionStrings__ClawGroups={Quoted(connectionString)}");
        return PublishOutput().Match(script) is { Success: true } publish
            ? script.Replace(publish.Groups["folder"].Value, Quoted(publishFolder), StringComparison.Ordinal)
            : script;
    }

    private static string Quoted(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"```bash\n(?<script>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"^export ConnectionStrings__ClawGroups=.*$", RegexOptions.Multiline)]
    private static partial Regex ConnectionStringLine();

    [GeneratedRegex(@"^dotnet publish .*-o (?<folder>\S+)", RegexOptions.Multiline)]
    private static partial Regex PublishOutput();
}
