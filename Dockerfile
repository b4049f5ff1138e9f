FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs ./libs
COPY services ./services
COPY plugins ./plugins
COPY apps ./apps
COPY tests/package.json ./tests/package.json
RUN npm ci --no-audit --no-fund && npm run build:dashboard
ENV NODE_ENV=production
EXPOSE 7400
CMD ["npm", "start"]
