export * from './mission.ts';
export * from './tools.ts';
export * from './planner.ts';
export * from './events.ts';
export * from './jobs.ts';
export * from './api.ts';
export * from './socket.ts';
export * from './redact.ts';
