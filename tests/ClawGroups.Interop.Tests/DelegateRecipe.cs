using System.Text.RegularExpressions;
using ClawGroups.Testing;

namespace ClawGroups.Interop.Tests;

/// <summary>
/// README's section "Delegate to a group over A2A", read from the README itself so that what is tested is what people
/// copy: its shell block (turning A2A on) and its JavaScript block (the SDK client).
/// </summary>
public sealed partial class DelegateRecipe
{
    public const string Section = "## Delegate to a group over A2A";

    private DelegateRecipe(string shell, string script) => (Shell, Script) = (shell, script);

    public string Shell { get; }

    public string Script { get; }

    public static DelegateRecipe Read()
    {
        var path = Path.Combine(Repository.Root(), "README.md");
        var readme = File.ReadAllText(path);
        var start = readme.IndexOf(Section + "\n", StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidOperationException($"{path} has no section \"{Section}\".");
        }

        var end = readme.IndexOf("\n## ", start + Section.Length, StringComparison.Ordinal);
        var section = end < 0 ? readme[start..] : readme[start..end];
        return new DelegateRecipe(Block(ShellBlock(), section, "bash"), Block(ScriptBlock(), section, "js"));
    }

    private static string Block(Regex pattern, string section, string language)
        => pattern.Match(section) is { Success: true } block
            ? block.Groups["code"].Value
            : throw new InvalidOperationException($"The section \"{Section}\" of README.md has no ```{language} block.");

    [GeneratedRegex(@"```bash\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"```js\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ScriptBlock();
}
