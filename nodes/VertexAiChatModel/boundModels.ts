/** The part of a LangChain chat model that binds tools: it returns a new model, not itself. */
interface Bindable {
	bindTools(...args: unknown[]): unknown;
}

/**
 * Applies `apply` to `model` and to every model its `bindTools` returns, and to theirs in turn: the SDK's LangChain
 * adapter binds tools by making a new adapter, which would otherwise lack what `apply` gives the first one.
 */
export function onModelAndBound<Model extends Bindable>(model: Model, apply: (model: Model) => void): void {
	apply(model);
	const bindTools = model.bindTools.bind(model);
	model.bindTools = (...args: unknown[]) => {
		const bound = bindTools(...args) as Model;
		if (typeof bound?.bindTools === 'function') onModelAndBound(bound, apply);
		return bound;
	};
}
