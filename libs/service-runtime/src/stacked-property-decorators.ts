/**
 * One property decorator made of several, applied in the order TypeScript applies them when they are stacked
 * on a property (the one nearest the property first). Validation rules run, and OpenAPI and validation
 * metadata come out, in the same order as when the decorators were written inline, so a field's checks can be
 * shared without changing a single error message or its place.
 */
export function stackedPropertyDecorators(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, propertyKey) => {
    for (const decorator of [...decorators].reverse()) decorator(target, propertyKey);
  };
}
