using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ClawGroups.Build.ScalarLifetimeAnalyzer;

/// <summary>
/// Stops tensor code from handing libtorch a <c>TorchSharp.Scalar</c> that nothing keeps alive.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 turns a number passed where a Scalar is expected into a new Scalar object and passes only its native
/// handle on; nothing references the object during the native call, so a garbage collection at that moment may run its
/// finalizer and free the value while libtorch reads it. The result is "Expected false to be true" from
/// <c>c10::Scalar::toDouble</c> or, worse, a value some other Scalar wrote into the freed memory. The same happens inside
/// TorchSharp for <c>Tensor + Tensor</c> and <c>Tensor - Tensor</c> (an <c>alpha</c> of 1 made on each call) and for every
/// operator that takes a number. Upstream: dotnet/TorchSharp pull requests 1434 and 1496, open. Code that needs a number
/// holds a Scalar it disposes after the call (<c>ClawGroups.Inference.Arithmetic</c>); this analyzer makes the other
/// ways a build error.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ScalarLifetimeAnalyzer : DiagnosticAnalyzer
{
    public const string DiagnosticId = "CLAW0101";

    private static readonly DiagnosticDescriptor Rule = new(
        DiagnosticId,
        "A TorchSharp Scalar or Tensor that nothing keeps alive",
        "{0} makes a TorchSharp Scalar or Tensor that the garbage collector may free while libtorch reads it; use ClawGroups.Inference.Arithmetic or a Scalar you dispose after the call",
        "Reliability",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "TorchSharp 0.107 passes implicitly made Scalars to native code without keeping them alive (dotnet/TorchSharp#1434).");

    /// <summary>Tensor methods whose overloads without an <c>alpha</c> make one internally.</summary>
    private static readonly ImmutableHashSet<string> AlphaMethods = ImmutableHashSet.Create("add", "add_");

    /// <summary>
    /// Tensor methods that pass a number of their own to libtorch as a Scalar, with what to use instead; found by
    /// Inference's garbage-collection stress test.
    /// </summary>
    private static readonly ImmutableDictionary<string, string> HiddenScalarMethods = ImmutableDictionary.CreateRange(new[]
    {
        new KeyValuePair<string, string>("square", "x * x"),
        new KeyValuePair<string, string>("square_", "x * x"),
    });

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var scalar = start.Compilation.GetTypeByMetadataName("TorchSharp.Scalar");
            var tensor = start.Compilation.GetTypeByMetadataName("TorchSharp.torch+Tensor");
            if (scalar is null || tensor is null)
            {
                return;
            }

            start.RegisterOperationAction(c => CheckConversion(c, scalar, tensor), OperationKind.Conversion);
            start.RegisterOperationAction(c => CheckOperator(c, tensor, ((IBinaryOperation)c.Operation).OperatorMethod, ((IBinaryOperation)c.Operation).OperatorKind), OperationKind.Binary);
            start.RegisterOperationAction(c => CheckOperator(c, tensor, ((ICompoundAssignmentOperation)c.Operation).OperatorMethod, ((ICompoundAssignmentOperation)c.Operation).OperatorKind), OperationKind.CompoundAssignment);
            start.RegisterOperationAction(c => CheckInvocation(c, tensor), OperationKind.Invocation);
        });
    }

    /// <summary>
    /// A value converted to a Scalar or a Tensor in place (implicitly or by a cast): the temporary is what gets freed. A
    /// Scalar converted to a Tensor throws outright.
    /// </summary>
    private static void CheckConversion(OperationAnalysisContext context, INamedTypeSymbol scalar, INamedTypeSymbol tensor)
    {
        var conversion = (IConversionOperation)context.Operation;
        var target = conversion.Type;
        if (conversion.Conversion.IsUserDefined && (SymbolEqualityComparer.Default.Equals(target, scalar) || SymbolEqualityComparer.Default.Equals(target, tensor)))
        {
            Report(context, $"Converting {conversion.Operand.Type?.ToDisplayString() ?? "a value"} to {target!.Name}");
        }
    }

    /// <summary>
    /// Tensor operators: between two tensors only <c>+</c> passes a Scalar (an alpha of 1 it makes); every operator with a
    /// number converts the number inside TorchSharp.
    /// </summary>
    private static void CheckOperator(OperationAnalysisContext context, INamedTypeSymbol tensor, IMethodSymbol? method, BinaryOperatorKind kind)
    {
        if (method is null || !SymbolEqualityComparer.Default.Equals(method.ContainingType, tensor))
        {
            return;
        }

        var bothTensors = method.Parameters.All(p => SymbolEqualityComparer.Default.Equals(p.Type, tensor));
        var safe = bothTensors && kind is not BinaryOperatorKind.Add;
        if (!safe && kind is not (BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals))
        {
            Report(context, $"The Tensor operator {kind} ({string.Join(", ", method.Parameters.Select(p => p.Type.Name))})");
        }
    }

    /// <summary>
    /// <c>add</c> and <c>add_</c> without an alpha make one inside TorchSharp (<c>sub</c> has no alpha); a few other methods
    /// make a Scalar of their own.
    /// </summary>
    private static void CheckInvocation(OperationAnalysisContext context, INamedTypeSymbol tensor)
    {
        var method = ((IInvocationOperation)context.Operation).TargetMethod;
        var onTensors = SymbolEqualityComparer.Default.Equals(method.ContainingType, tensor)
                        || (method.ContainingType.Name == "torch" && method.ContainingNamespace.Name == "TorchSharp");
        if (onTensors && AlphaMethods.Contains(method.Name) && !method.Parameters.Any(p => p.Name == "alpha"))
        {
            Report(context, $"{method.Name}() without an alpha");
        }
        else if (onTensors && HiddenScalarMethods.TryGetValue(method.Name, out var instead))
        {
            Report(context, $"{method.Name}() (write {instead})");
        }
    }

    private static void Report(OperationAnalysisContext context, string what) =>
        context.ReportDiagnostic(Diagnostic.Create(Rule, context.Operation.Syntax.GetLocation(), what));
}
