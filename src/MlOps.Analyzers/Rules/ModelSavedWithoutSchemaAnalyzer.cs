using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace MlOps.Analyzers.Rules
{
    /// <summary>
    /// MLOPS303: <c>mlContext.Model.Save(model, null, path)</c> writes a model without its input
    /// schema; loading it later succeeds, but <c>CreatePredictionEngine</c> on it fails (ML.NET issue 3698).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ModelSavedWithoutSchemaAnalyzer : DiagnosticAnalyzer
    {
        public static readonly DiagnosticDescriptor Rule = DiagnosticDescriptors.Create(
            RuleIdentifiers.ModelSavedWithoutSchema,
            title: "Model saved without its input schema",
            messageFormat: "Model '{0}' is saved with a null input schema: loading it back cannot create a prediction engine; pass the schema of the data it was trained on",
            RuleCategories.Data,
            DiagnosticSeverity.Warning,
            description: "ModelOperationsCatalog.Save(model, inputSchema, ...) stores the input schema beside the model. With null, Model.Load returns a null schema and CreatePredictionEngine fails later, far from the cause. Pass the Schema of the IDataView the model was fitted on.");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var types = MlNetTypes.TryCreate(start.Compilation);
                if (types?.ModelOperationsCatalog is null || types.DataViewSchema is null)
                {
                    return;
                }

                start.RegisterOperationAction(c => AnalyzeInvocation(c, types), OperationKind.Invocation);
            });
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context, MlNetTypes types)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            if (method.Name != "Save"
                || !SymbolEqualityComparer.Default.Equals(method.ContainingType, types.ModelOperationsCatalog))
            {
                return;
            }

            var schema = invocation.GetArgument("inputSchema");
            if (schema is null
                || !SymbolEqualityComparer.Default.Equals(schema.Parameter?.Type, types.DataViewSchema)
                || !schema.Value.IsNullConstant())
            {
                return;
            }

            var model = invocation.GetArgument("model");
            var modelName = model?.Value.DisplayName() ?? model?.Value.Syntax.ToString() ?? "model";
            context.ReportDiagnostic(Diagnostic.Create(Rule, schema.GetWrittenLocation(), modelName));
        }
    }
}
