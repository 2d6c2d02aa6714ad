import { compileValidator, type FastValidator } from './fast-validator.js';
import { messageTypes, type MessageType } from './message-types.js';

const compiled = new Map<MessageType, FastValidator<unknown>>();

/** The compiled (fast) validator of a message type, built once on first use. */
export function validatorFor<T extends MessageType>(type: T): FastValidator<unknown> {
  let validator = compiled.get(type);
  if (!validator) {
    validator = compileValidator(messageTypes[type]);
    compiled.set(type, validator);
  }
  return validator;
}
