using System.Collections.Immutable;
using ClawGroups.Build.ScalarLifetimeAnalyzer;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using static TorchSharp.torch;

namespace ClawGroups.Inference.Tests.ScalarLifetime;

public sealed class ScalarLifetimeAnalyzerTests
{
    [Theory]
    [InlineData("x + y")]
    [InlineData("x + 1e-6")]
    [InlineData("x * 0.5")]
    [InlineData("1 - x")]
    [InlineData("x / 2")]
    [InlineData("x.clamp_min(1)")]
    [InlineData("x.masked_fill(x.gt(y), 0.0)")]
    [InlineData("x.add(y)")]
    [InlineData("x.add_(y)")]
    [InlineData("x.square()")]
    [InlineData("x.div(2.0)")]
    [InlineData("pow(x, 2.0)")]
    public async Task A_number_or_alpha_that_nothing_keeps_alive_is_an_error(string expression)
    {
        var diagnostics = await Analyze(expression);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(ScalarLifetimeAnalyzer.DiagnosticId, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
    }

    [Theory]
    [InlineData("x - y")]
    [InlineData("x * y")]
    [InlineData("x / y")]
    [InlineData("x.Plus(y)")]
    [InlineData("x.Plus(1e-6).Times(0.5).AtLeast(1)")]
    [InlineData("Arithmetic.Minus(1, x)")]
    [InlineData("x.add(y, held)")]
    [InlineData("x.clamp_min(held)")]
    [InlineData("x.sub(held)")]
    public async Task Held_scalars_and_tensor_only_operators_pass(string expression)
    {
        Assert.Empty(await Analyze(expression));
    }

    [Fact]
    public async Task The_compound_sum_of_two_tensors_is_an_error_and_the_compound_difference_is_not()
    {
        Assert.Single(await Analyze("x += y", statement: true));
        Assert.Empty(await Analyze("x -= y", statement: true));
    }

    /// <summary>Compiles <paramref name="code"/> where x and y are tensors and held is a Scalar disposed after use.</summary>
    private static async Task<ImmutableArray<Diagnostic>> Analyze(string code, bool statement = false)
    {
        var body = statement ? $"{code};" : $"using var result = {code};";
        var source = $$"""
            using ClawGroups.Inference;
            using TorchSharp;
            using static TorchSharp.torch;
            public static class Snippet
            {
                public static void Run(Tensor x, Tensor y)
                {
                    using var held = 1.0.ToScalar();
                    {{body}}
                }
            }
            """;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(Tensor).Assembly.Location)
            .Append(typeof(Arithmetic).Assembly.Location)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            "Snippet", [CSharpSyntaxTree.ParseText(source)], references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
        return await compilation.WithAnalyzers([new ScalarLifetimeAnalyzer()]).GetAnalyzerDiagnosticsAsync();
    }
}
