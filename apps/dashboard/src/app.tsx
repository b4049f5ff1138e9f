import { useRoute } from './hooks/use-external.ts';
import { Header } from './components/header.tsx';
import { MissionsPage } from './components/missions-page.tsx';
import { MissionPage } from './components/mission-page.tsx';
import { ApprovalsPage } from './components/approvals-page.tsx';
import { SystemPage } from './components/system-page.tsx';

/** The dashboard shell: header plus the page the hash names. */
export function App() {
  const route = useRoute();
  return (
    <>
      <Header />
      {route.name === 'missions' ? <MissionsPage query={route.query} /> : null}
      {route.name === 'approvals' ? <ApprovalsPage /> : null}
      {route.name === 'system' ? <SystemPage /> : null}
      {/* Keyed by id: another mission is a fresh page, not a reused one with stale state. */}
      {route.name === 'mission' ? <MissionPage key={route.id} id={route.id} /> : null}
      {route.name === 'not-found' ? (
        <main className="page">
          <p className="banner warn">No page at “{route.path}”.</p>
          <p>
            <a href="#/">← All missions</a>
          </p>
        </main>
      ) : null}
    </>
  );
}
