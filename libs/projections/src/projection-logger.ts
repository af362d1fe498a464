/** The little a background loop needs to say; Nest's Logger fits it. */
export interface ProjectionLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const consoleLogger = (context = 'Projections'): ProjectionLogger => ({
  log: (message) => console.log(`[${context}] ${message}`),
  warn: (message) => console.warn(`[${context}] ${message}`),
  error: (message) => console.error(`[${context}] ${message}`),
});

export const silentLogger: ProjectionLogger = { log: () => {}, warn: () => {}, error: () => {} };
