// Usage is recorded the same way by every service that calls a model.
export { usageSink } from '@aime/store';
