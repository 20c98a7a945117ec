using System.Text;

namespace ClawGroups.Web.Tests.Groups;

/// <summary>
/// Splits a command line the way a POSIX shell does for the forms the snippets use: single quotes, double quotes,
/// backslash escapes, and a backslash-newline that continues the line. Enough to prove a snippet pastes as intended.
/// </summary>
internal static class ShellWords
{
    public static List<string> Split(string commandLine)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            switch (c)
            {
                case '\\' when i + 1 < commandLine.Length && commandLine[i + 1] == '\n':
                    i++;
                    break;
                case '\\' when i + 1 < commandLine.Length:
                    word.Append(commandLine[++i]);
                    inWord = true;
                    break;
                case '\'':
                    var close = commandLine.IndexOf('\'', i + 1);
                    Assert.True(close > i, "an unterminated single quote");
                    word.Append(commandLine, i + 1, close - i - 1);
                    i = close;
                    inWord = true;
                    break;
                case '"':
                    for (i++; i < commandLine.Length && commandLine[i] != '"'; i++)
                    {
                        word.Append(commandLine[i] == '\\' && i + 1 < commandLine.Length && commandLine[i + 1] is '"' or '\\' or '$' ? commandLine[++i] : commandLine[i]);
                    }

                    Assert.True(i < commandLine.Length, "an unterminated double quote");
                    inWord = true;
                    break;
                case ' ' or '\t' or '\n' or '\r':
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }

                    break;
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
