using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using MlOps.Analyzers.Pipelines;

namespace MlOps.Analyzers.Rules
{
    /// <summary>
    /// MLOPS305: a multiclass trainer fitted on data whose label column is a plain string, number or bool. ML.NET's
    /// multiclass trainers declare their label as <c>Key&lt;UInt32&gt;</c> (<c>TrainerUtils.MakeU4ScalarColumn</c>, and
    /// the same shape in <c>MetaMulticlassTrainer</c> for one-versus-all and pairwise coupling), and
    /// <c>TrainerEstimatorBase.CheckInputSchema</c> throws "Schema mismatch for label column ... expected Key&lt;UInt32&gt;"
    /// for anything else. The label's type is read from the input class of the loader the data comes from
    /// (<c>LoadFromTextFile&lt;T&gt;</c>, <c>LoadFromEnumerable&lt;T&gt;</c>, <c>CreateTextLoader&lt;T&gt;().Load</c>) or from a
    /// literal <c>TextLoader.Column[]</c>, after following the estimators before the trainer backwards:
    /// <c>MapValueToKey</c> into the label clears it, <c>CopyColumns</c> into it is followed to its source, and any other
    /// writer, or an estimator whose output columns are not constants, keeps the rule silent.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class MulticlassLabelNotKeyAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: the trainer's label column, for the fix.</summary>
        public const string LabelColumnProperty = "LabelColumn";

        public static readonly DiagnosticDescriptor Rule = DiagnosticDescriptors.Create(
            RuleIdentifiers.MulticlassLabelNotKey,
            title: "Multiclass label is not a key",
            messageFormat: "Multiclass trainer '{0}' reads label column '{1}' of type {2} from '{3}' without MapValueToKey upstream: training throws",
            RuleCategories.Data,
            DiagnosticSeverity.Warning,
            description: "ML.NET's multiclass trainers (SDCA, L-BFGS maximum entropy, naive Bayes, LightGBM, one-versus-all, pairwise coupling, ...) need a key-typed label (Key<UInt32>); a string, number or bool label makes Fit throw 'Schema mismatch for label column'. Add MapValueToKey on the label column before the trainer, and MapKeyToValue on PredictedLabel after it to get the original values back.");

        private static readonly ImmutableHashSet<string> TrainerOutputs = ImmutableHashSet.Create("Score", "PredictedLabel", "Probability");

        private static readonly ImmutableHashSet<string> TrainerInputParameters = ImmutableHashSet.Create(
            "labelColumnName", "featureColumnName", "exampleWeightColumnName", "rowGroupColumnName", "samplingKeyColumnName");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var types = MlNetTypes.TryCreate(start.Compilation);
                if (types?.ITrainerEstimator is null || types.MulticlassClassificationTrainers is null)
                {
                    return;
                }

                PipelineModel.RegisterPerType(start, types, Analyze);
            });
        }

        private static void Analyze(SemanticModelAnalysisContext context, PipelineModel model)
        {
            var candidates = new Dictionary<IOperation, (string Label, Finding Finding)>();
            var cleared = new HashSet<IOperation>();
            var tracer = new LabelTracer(model);
            foreach (var fitted in model.FittedTrainers())
            {
                if (fitted.Trainer.Operation is not IInvocationOperation trainerCall || !IsMulticlassTrainer(trainerCall, model.Types))
                {
                    continue;
                }

                var label = LabelColumn(trainerCall);
                var finding = label is null ? null : tracer.Trace(label, fitted.Upstream, fitted.Data, depth: 0);
                if (label is null || finding is null)
                {
                    // One way of building or feeding the pipeline gives a key (or cannot be seen): not reported.
                    cleared.Add(trainerCall);
                    continue;
                }

                if (!candidates.ContainsKey(trainerCall))
                {
                    candidates[trainerCall] = (label, finding);
                }
            }

            foreach (var pair in candidates.Where(c => !cleared.Contains(c.Key)).OrderBy(c => c.Key.Syntax.SpanStart))
            {
                var properties = ImmutableDictionary<string, string?>.Empty.Add(LabelColumnProperty, pair.Value.Label);
                context.ReportDiagnostic(Diagnostic.Create(
                    Rule,
                    pair.Key.Syntax.GetLocation(),
                    properties,
                    ((IInvocationOperation)pair.Key).TargetMethod.Name,
                    pair.Value.Label,
                    pair.Value.Finding.TypeText,
                    pair.Value.Finding.Source));
            }
        }

        /// <summary>A trainer made from the <c>MulticlassClassification.Trainers</c> catalog (its own methods or extensions on it).</summary>
        private static bool IsMulticlassTrainer(IInvocationOperation call, MlNetTypes types)
        {
            var method = call.TargetMethod;
            var catalog = method.IsExtensionMethod
                ? method.Parameters.FirstOrDefault()?.Type
                : method.ContainingType;
            return SymbolEqualityComparer.Default.Equals(catalog, types.MulticlassClassificationTrainers);
        }

        /// <summary>
        /// The trainer's label column: its constant <c>labelColumnName</c> ("Label" by default), or the
        /// <c>LabelColumnName</c> of its options object ("Label" when not set; see <see cref="TrainerOptions"/>); else null.
        /// </summary>
        internal static string? LabelColumn(IInvocationOperation call)
        {
            if (call.GetArgument("labelColumnName") is null && TrainerOptions.Find(call) is null)
            {
                return "Label";
            }

            return TrainerOptions.Column(call, "labelColumnName", "LabelColumnName");
        }

        /// <summary>What the label column is, where the rule can tell that it is not a key.</summary>
        private sealed class Finding
        {
            public Finding(string typeText, string source)
            {
                TypeText = typeText;
                Source = source;
            }

            /// <summary>The C# type of the column: string, float, bool, ...</summary>
            public string TypeText { get; }

            /// <summary>The member of the input class (<c>IrisData.Label</c>), or the loader call for <c>TextLoader.Column[]</c>.</summary>
            public string Source { get; }
        }

        private enum Effect
        {
            Untouched,
            Copied,
            Other,
        }

        /// <summary>Follows a column backwards through estimators and data to the loader that declares it.</summary>
        private sealed class LabelTracer
        {
            private const int MaxDepth = 16;
            private readonly PipelineModel _model;

            public LabelTracer(PipelineModel model) => _model = model;

            private MlNetTypes Types => _model.Types;

            /// <summary>
            /// The non-key declaration <paramref name="column"/> comes from when <paramref name="upstream"/> runs on
            /// <paramref name="data"/>; null when it becomes a key or cannot be followed.
            /// </summary>
            public Finding? Trace(string column, ImmutableArray<PipelineValue> upstream, PipelineValue? data, int depth)
            {
                if (depth > MaxDepth)
                {
                    return null;
                }

                for (var i = upstream.Length - 1; i >= 0; i--)
                {
                    var part = upstream[i];
                    if (part.Kind == PipelineValueKind.CacheCheckpoint)
                    {
                        continue;
                    }

                    if (part.Kind != PipelineValueKind.Estimator)
                    {
                        return null;
                    }

                    switch (EffectOn(part, column, out var source))
                    {
                        case Effect.Untouched:
                            continue;
                        case Effect.Copied:
                            column = source!;
                            continue;
                        default:
                            return null;
                    }
                }

                return TraceData(column, data, depth);
            }

            private Finding? TraceData(string column, PipelineValue? data, int depth)
            {
                for (; data is not null && depth <= MaxDepth; depth++)
                {
                    switch (data.Kind)
                    {
                        case PipelineValueKind.Loaded:
                            return FromLoader(column, data.Operation as IInvocationOperation);
                        case PipelineValueKind.Transformed:
                            return AllOf(data.Producer!.Alternatives(), producer => producer.Kind != PipelineValueKind.Fitted
                                ? null
                                : AllOf(_model.EstimatorPaths(producer.Producer!), path => Trace(column, path, data.Data, depth + 1)));
                        case PipelineValueKind.SplitPart:
                            data = data.Inputs[0].Data;
                            continue;
                        case PipelineValueKind.RowOperation:
                            data = data.Data;
                            continue;
                        case PipelineValueKind.Choice:
                            return AllOf(data.Alternatives(), alternative => TraceData(column, alternative, depth + 1));
                        default:
                            return null;
                    }
                }

                return null;
            }

            /// <summary>The first finding when every item has one; else null.</summary>
            private static Finding? AllOf<T>(IEnumerable<T> items, System.Func<T, Finding?> trace)
            {
                Finding? first = null;
                foreach (var item in items)
                {
                    var finding = trace(item);
                    if (finding is null)
                    {
                        return null;
                    }

                    first ??= finding;
                }

                return first;
            }

            /// <summary>What <paramref name="estimator"/> does to <paramref name="column"/>.</summary>
            private Effect EffectOn(PipelineValue estimator, string column, out string? source)
            {
                source = null;
                if (estimator.Operation is not IInvocationOperation call || !PipelineModel.IsMlNetMethod(call.TargetMethod))
                {
                    return Effect.Other;
                }

                if (_model.IsTrainer(estimator))
                {
                    // A trainer adds its prediction columns (default names, or the ones its arguments give).
                    var writes = TrainerOutputs.Contains(column) || call.Arguments.Any(a =>
                        a.Parameter is { } parameter
                        && !TrainerInputParameters.Contains(parameter.Name)
                        && a.Value.WithoutConversions().ConstantValue is { HasValue: true, Value: string text }
                        && text == column);
                    return writes ? Effect.Other : Effect.Untouched;
                }

                var outputs = Outputs(call);
                if (outputs is null)
                {
                    return Effect.Other;
                }

                var written = outputs.LastOrDefault(o => o.Output == column);
                if (written.Output is null)
                {
                    return Effect.Untouched;
                }

                if (call.TargetMethod.Name == "CopyColumns" && written.Input is not null)
                {
                    source = written.Input;
                    return Effect.Copied;
                }

                // MapValueToKey makes the key; any other writer (MapKeyToValue, ConvertType, ...) is not followed.
                return Effect.Other;
            }

            /// <summary>The (output, input) columns of a transform call, or null when they are not all constants.</summary>
            private List<(string? Output, string? Input)>? Outputs(IInvocationOperation call)
            {
                if (call.TargetMethod.Name is "DropColumns" or "SelectColumns")
                {
                    return new List<(string?, string?)>();
                }

                if (call.GetArgument("outputColumnName") is { } outputArgument)
                {
                    if (outputArgument.Value.WithoutConversions().ConstantValue is not { HasValue: true, Value: string output })
                    {
                        return null;
                    }

                    var input = call.GetArgument("inputColumnName");
                    return new List<(string?, string?)>
                    {
                        (output, input is null || input.Value.WithoutConversions().IsNullConstant() ? output : PipelineModel.ConstantString(call, "inputColumnName")),
                    };
                }

                if (call.GetArgument("columns") is { } columns
                    && columns.Value.WithoutConversions() is IArrayCreationOperation { Initializer: { } initializer }
                    && initializer.ElementValues.All(e => SymbolEqualityComparer.Default.Equals(e.WithoutConversions().Type, Types.InputOutputColumnPair)))
                {
                    var pairs = new List<(string?, string?)>();
                    foreach (var element in initializer.ElementValues)
                    {
                        if (element.WithoutConversions() is not IObjectCreationOperation pair
                            || ConstantArgument(pair, "outputColumnName") is not { } output)
                        {
                            return null;
                        }

                        var input = pair.Arguments.FirstOrDefault(a => a.Parameter?.Name == "inputColumnName");
                        pairs.Add((output, input is null || input.Value.WithoutConversions().IsNullConstant() ? output : ConstantArgument(pair, "inputColumnName")));
                    }

                    return pairs;
                }

                return null;
            }

            private static string? ConstantArgument(IObjectCreationOperation creation, string parameterName) =>
                creation.Arguments.FirstOrDefault(a => a.Parameter?.Name == parameterName)?.Value.WithoutConversions().ConstantValue
                    is { HasValue: true, Value: string text } ? text : null;

            /// <summary>The declaration of <paramref name="column"/> by the loader call that made the data.</summary>
            private Finding? FromLoader(string column, IInvocationOperation? load)
            {
                if (load?.TargetMethod is not { } method)
                {
                    return null;
                }

                switch (method.Name)
                {
                    case "LoadFromTextFile" when method.TypeArguments.Length == 1:
                        return FromInputType(column, method.TypeArguments[0]);
                    case "LoadFromEnumerable" when method.TypeArguments.Length == 1:
                        // A schema given with the rows can declare any column type.
                        var schema = load.Arguments.FirstOrDefault(a => a.Parameter?.Name is "schemaDefinition" or "schema");
                        return schema is null || schema.Value.IsNullConstant() ? FromInputType(column, method.TypeArguments[0]) : null;
                    case "LoadFromTextFile" when load.GetArgument("columns") is { } columns:
                        return FromColumns(column, columns.Value, method.Name);
                    case "Load":
                        var receiver = load.Instance ?? (method.IsExtensionMethod && load.Arguments.Length > 0 ? load.Arguments[0].Value : null);
                        return receiver is null
                            ? null
                            : AllOf(_model.Resolve(receiver).Alternatives(), loader => FromLoaderCreation(column, loader.Operation as IInvocationOperation));
                    default:
                        return null;
                }
            }

            /// <summary><c>CreateTextLoader&lt;T&gt;(...)</c> (or the database loader), or <c>CreateTextLoader(columns: ...)</c>.</summary>
            private Finding? FromLoaderCreation(string column, IInvocationOperation? creation)
            {
                if (creation?.TargetMethod is not { } method || !PipelineModel.IsMlNetMethod(method))
                {
                    return null;
                }

                if (method.Name is "CreateTextLoader" or "CreateDatabaseLoader" && method.TypeArguments.Length == 1)
                {
                    return FromInputType(column, method.TypeArguments[0]);
                }

                return method.Name == "CreateTextLoader" && creation.GetArgument("columns") is { } columns
                    ? FromColumns(column, columns.Value, method.Name)
                    : null;
            }

            /// <summary>
            /// The member of <paramref name="input"/> ML.NET maps to <paramref name="column"/> (by <c>[ColumnName]</c>, else
            /// by name; public instance fields and readable properties, most derived first, <c>[NoColumn]</c> skipped).
            /// </summary>
            private Finding? FromInputType(string column, ITypeSymbol input)
            {
                if (input is not INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } named)
                {
                    return null;
                }

                var seen = new HashSet<string>();
                for (var type = named; type is not null && type.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); type = type.BaseType)
                {
                    foreach (var member in type.GetMembers())
                    {
                        var memberType = member switch
                        {
                            IFieldSymbol { IsStatic: false, IsConst: false, DeclaredAccessibility: Accessibility.Public } field => field.Type,
                            IPropertySymbol { IsStatic: false, IsIndexer: false, GetMethod.DeclaredAccessibility: Accessibility.Public } property => property.Type,
                            _ => null,
                        };
                        if (memberType is null || !seen.Add(member.Name) || HasAttribute(member, Types.NoColumnAttribute))
                        {
                            continue;
                        }

                        if (ColumnName(member) != column)
                        {
                            continue;
                        }

                        if (HasAttribute(member, Types.KeyTypeAttribute))
                        {
                            return null;
                        }

                        return ScalarText(memberType) is { } text ? new Finding(text, named.Name + "." + member.Name) : null;
                    }
                }

                return null;
            }

            private string ColumnName(ISymbol member)
            {
                foreach (var attribute in member.GetAttributes())
                {
                    if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, Types.ColumnNameAttribute)
                        && attribute.ConstructorArguments.Length == 1
                        && attribute.ConstructorArguments[0].Value is string name)
                    {
                        return name;
                    }
                }

                return member.Name;
            }

            private static bool HasAttribute(ISymbol member, INamedTypeSymbol? attributeType) =>
                attributeType is not null
                && member.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeType));

            /// <summary>The C# keyword of a string, bool or numeric type ML.NET loads as a non-key scalar; else null.</summary>
            private static string? ScalarText(ITypeSymbol type) => type.SpecialType switch
            {
                SpecialType.System_String => "string",
                SpecialType.System_Boolean => "bool",
                SpecialType.System_Single => "float",
                SpecialType.System_Double => "double",
                SpecialType.System_SByte => "sbyte",
                SpecialType.System_Byte => "byte",
                SpecialType.System_Int16 => "short",
                SpecialType.System_UInt16 => "ushort",
                SpecialType.System_Int32 => "int",
                SpecialType.System_UInt32 => "uint",
                SpecialType.System_Int64 => "long",
                SpecialType.System_UInt64 => "ulong",
                _ => null,
            };

            /// <summary>
            /// A literal <c>new[] { new TextLoader.Column("Label", DataKind.String, 0), ... }</c>: the last column of that
            /// name, when it is written as <c>(name, dataKind, index)</c> with nothing else set (no key count, no range).
            /// </summary>
            private Finding? FromColumns(string column, IOperation columns, string loaderName)
            {
                if (columns.WithoutConversions() is not IArrayCreationOperation { Initializer: { } initializer })
                {
                    return null;
                }

                Finding? found = null;
                foreach (var element in initializer.ElementValues)
                {
                    if (element.WithoutConversions() is not IObjectCreationOperation creation
                        || !SymbolEqualityComparer.Default.Equals(creation.Type, Types.TextLoaderColumn)
                        || ConstantArgument(creation, "name") is not { } name)
                    {
                        // A column the rule cannot read may be the label.
                        return null;
                    }

                    if (name != column)
                    {
                        continue;
                    }

                    var parameters = creation.Constructor?.Parameters ?? ImmutableArray<IParameterSymbol>.Empty;
                    if (parameters.Length != 3 || parameters[2].Name != "index"
                        || creation.Initializer is { Initializers.Length: > 0 }
                        || creation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "dataKind")?.Value is not { } kindValue)
                    {
                        return null;
                    }

                    found = DataKindText(kindValue) is { } text ? new Finding(text, loaderName) : null;
                    if (found is null)
                    {
                        return null;
                    }
                }

                return found;
            }

            /// <summary>The C# keyword for a constant <c>DataKind</c> member.</summary>
            private static string? DataKindText(IOperation kind)
            {
                var value = kind.WithoutConversions();
                if (value is not IFieldReferenceOperation { Field: { ContainingType: { Name: "DataKind" } kindType } field }
                    || kindType.ContainingNamespace?.ToDisplayString() != "Microsoft.ML.Data")
                {
                    return null;
                }

                return field.Name switch
                {
                    "String" => "string",
                    "Boolean" => "bool",
                    "Single" => "float",
                    "Double" => "double",
                    "SByte" => "sbyte",
                    "Byte" => "byte",
                    "Int16" => "short",
                    "UInt16" => "ushort",
                    "Int32" => "int",
                    "UInt32" => "uint",
                    "Int64" => "long",
                    "UInt64" => "ulong",
                    _ => null,
                };
            }
        }
    }
}
