import { DatasetSelectionProvider } from './state/dataset-selection.js';
import { JobsProvider } from './state/jobs.js';
import { NavigationProvider, useNavigation } from './state/navigation.js';
import { RefreshProvider } from './state/refresh.js';
import { SideNav } from './components/SideNav.js';
import { ShortcutHelp } from './components/ShortcutHelp.js';
import { StatusBar } from './components/StatusBar.js';
import { DatasetsPage } from './pages/DatasetsPage.js';
import { ExperimentsPage } from './pages/ExperimentsPage.js';
import { InspectPage } from './pages/InspectPage.js';
import { RunsPage } from './pages/RunsPage.js';
import { SplitPage } from './pages/SplitPage.js';
import { TrainPage } from './pages/TrainPage.js';

// The lab UI: navigation on the left, one page at a time, the lab's status at the bottom.
export function App() {
  return (
    <RefreshProvider>
      <NavigationProvider>
        <JobsProvider>
          <DatasetSelectionProvider>
            <div className="app">
              <SideNav />
              <main className="main" id="main">
                <CurrentPage />
              </main>
              <StatusBar />
              <ShortcutHelp />
            </div>
          </DatasetSelectionProvider>
        </JobsProvider>
      </NavigationProvider>
    </RefreshProvider>
  );
}

function CurrentPage() {
  const { route } = useNavigation();
  switch (route.page) {
    case 'datasets':
      return <DatasetsPage />;
    case 'split':
      return <SplitPage />;
    case 'train':
      return <TrainPage runId={route.params.run} />;
    case 'runs':
      return <RunsPage />;
    case 'inspect':
      return <InspectPage evaluationId={route.params.evaluation} />;
    case 'experiments':
      return <ExperimentsPage />;
  }
}
