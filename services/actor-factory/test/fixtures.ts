export * from '@aime/testing';
