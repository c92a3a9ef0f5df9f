// ESLint rule `html-sinks/jquery-string-insert`: a string that is not a literal never goes into jQuery's DOM insertion methods, which parse it as HTML.
import ts from 'typescript';

/** jQuery methods that take content (a string is parsed as HTML) or a target (a string is a selector or markup). */
const INSERTS = new Set(['append', 'prepend', 'after', 'before', 'replaceWith', 'wrap', 'wrapAll', 'wrapInner', 'appendTo', 'prependTo', 'insertAfter', 'insertBefore', 'replaceAll']);

/** Whether `type` is, or may be, a string (a union with a string member counts). */
function mayBeString(type) {
  if (type.isUnion()) return type.types.some(mayBeString);
  return (type.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0;
}

/** Whether `type` is a jQuery object (`JQuery<…>`). */
function isJQuery(type) {
  const name = (type.aliasSymbol ?? type.getSymbol())?.getName();
  return name === 'JQuery';
}

/** Whether an argument is text written in the source, which is the developer's markup, not data. */
function isLiteralText(node) {
  return (node.type === 'Literal' && typeof node.value === 'string') || (node.type === 'TemplateLiteral' && node.expressions.length === 0);
}

/** @type {import('eslint').Rule.RuleModule} */
const jqueryStringInsert = {
  meta: {
    type: 'problem',
    docs: { description: 'Disallow strings that are not literals in jQuery DOM insertion methods (they are parsed as HTML)' },
    messages: {
      string: "jQuery's .{{method}}() parses a string as HTML: pass an element with the text set by .text(), or a literal.",
    },
    schema: [],
  },
  create(context) {
    const services = context.sourceCode.parserServices;
    // Needs type information (the TypeScript files); in an HTML file's script there is none, and no-unsanitized covers it.
    if (!services?.program || !services.esTreeNodeToTSNodeMap) return {};
    const checker = services.program.getTypeChecker();
    const typeOf = (node) => checker.getTypeAtLocation(services.esTreeNodeToTSNodeMap.get(node));
    return {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return;
        const method = callee.property.name;
        if (!INSERTS.has(method) || !isJQuery(typeOf(callee.object))) return;
        for (const argument of node.arguments) {
          const values = argument.type === 'ArrayExpression' ? argument.elements.filter(Boolean) : [argument];
          for (const value of values) {
            if (value.type === 'SpreadElement' || isLiteralText(value)) continue;
            const type = typeOf(value);
            // An array of strings (`.append(list)`) is parsed item by item, as HTML too.
            const item = checker.isArrayType(type) ? checker.getTypeArguments(type)[0] : type;
            if (item && mayBeString(item)) context.report({ node: value, messageId: 'string', data: { method } });
          }
        }
      },
    };
  },
};

/** The plugin, for `plugins: { 'html-sinks': htmlSinks }`. */
export default { rules: { 'jquery-string-insert': jqueryStringInsert } };
