using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace MlOps.Analyzers.Pipelines
{
    /// <summary>What a pipeline value is made of; see <see cref="PipelineModel"/>.</summary>
    internal enum PipelineValueKind
    {
        /// <summary>Not followed: a call the model does not know, an element of a collection, ...</summary>
        Unknown,

        /// <summary>A parameter, field or property whose origin is outside the analyzed type; identified by <see cref="PipelineValue.Symbol"/>.</summary>
        Opaque,

        /// <summary>An <c>IDataView</c> made by a loader (<c>LoadFromTextFile</c>, <c>LoadFromEnumerable</c>, <c>loader.Load</c>, ...).</summary>
        Loaded,

        /// <summary>The result of <c>TrainTestSplit</c> (or one fold of <c>CrossValidationSplit</c>); <see cref="PipelineValue.Data"/> is what was split.</summary>
        Split,

        /// <summary><c>split.TrainSet</c> or <c>split.TestSet</c>; <see cref="PipelineValue.Part"/> says which.</summary>
        SplitPart,

        /// <summary><c>transformer.Transform(data)</c>.</summary>
        Transformed,

        /// <summary>The rows of <see cref="PipelineValue.Data"/>, filtered, shuffled or cached (<c>Data.Cache</c>, <c>ShuffleRows</c>, ...).</summary>
        RowOperation,

        /// <summary><c>estimator.Fit(data)</c>.</summary>
        Fitted,

        /// <summary>A model read back with <c>Model.Load</c>.</summary>
        LoadedModel,

        /// <summary>One estimator made by a catalog call or a constructor; <see cref="PipelineValue.Type"/> is its type.</summary>
        Estimator,

        /// <summary><c>AppendCacheCheckpoint</c> inside a chain.</summary>
        CacheCheckpoint,

        /// <summary>An <c>Append</c> chain; <see cref="PipelineValue.Inputs"/> are its parts in order (never chains themselves).</summary>
        Chain,

        /// <summary>One of several values (ternary, writes on different branches, several callers).</summary>
        Choice,
    }

    /// <summary>One node of the value graph: immutable, built by <see cref="PipelineModel"/>.</summary>
    internal sealed class PipelineValue
    {
        public PipelineValue(PipelineValueKind kind, IOperation? operation, ImmutableArray<PipelineValue> inputs, ISymbol? symbol = null, string? part = null)
        {
            Kind = kind;
            Operation = operation;
            Inputs = inputs.IsDefault ? ImmutableArray<PipelineValue>.Empty : inputs;
            Symbol = symbol;
            Part = part;
        }

        public PipelineValueKind Kind { get; }

        /// <summary>The operation that made the value (the call, the <c>new</c>); null for opaque symbols.</summary>
        public IOperation? Operation { get; }

        public ImmutableArray<PipelineValue> Inputs { get; }

        public ISymbol? Symbol { get; }

        /// <summary><c>TrainSet</c> or <c>TestSet</c> for <see cref="PipelineValueKind.SplitPart"/>.</summary>
        public string? Part { get; }

        public ITypeSymbol? Type => Operation?.Type;

        /// <summary>The data a value was made from: fitted on, transformed, split, filtered; else null.</summary>
        public PipelineValue? Data => Kind switch
        {
            PipelineValueKind.Fitted or PipelineValueKind.Transformed => Inputs[1],
            PipelineValueKind.Split or PipelineValueKind.RowOperation or PipelineValueKind.SplitPart => Inputs[0],
            _ => null,
        };

        /// <summary>The estimator of a <see cref="PipelineValueKind.Fitted"/> value, the transformer of a <see cref="PipelineValueKind.Transformed"/> one.</summary>
        public PipelineValue? Producer => Kind is PipelineValueKind.Fitted or PipelineValueKind.Transformed ? Inputs[0] : null;

        /// <summary>The value itself, or each alternative of a choice (recursively).</summary>
        public IEnumerable<PipelineValue> Alternatives()
        {
            if (Kind != PipelineValueKind.Choice)
            {
                yield return this;
                yield break;
            }

            foreach (var input in Inputs)
            {
                foreach (var alternative in input.Alternatives())
                {
                    yield return alternative;
                }
            }
        }

        /// <summary>
        /// The estimators of a pipeline in order: a chain's parts, or the value itself. Choices stay
        /// as parts; <see cref="PipelineModel.EstimatorPaths"/> expands them.
        /// </summary>
        public ImmutableArray<PipelineValue> Parts => Kind == PipelineValueKind.Chain ? Inputs : ImmutableArray.Create(this);

        public override string ToString() => Kind switch
        {
            PipelineValueKind.Opaque => "Opaque(" + Symbol?.Name + ")",
            PipelineValueKind.SplitPart => Inputs[0] + "." + Part,
            PipelineValueKind.Estimator => "Estimator(" + Type?.Name + ")",
            _ => Kind + "(" + string.Join(", ", Inputs) + ")",
        };
    }
}
