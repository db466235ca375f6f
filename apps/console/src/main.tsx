import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './console.css';
import { createTheme, MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App';
import { restoreSession, SessionProvider } from './session';

const theme = createTheme({ primaryColor: 'indigo', defaultRadius: 'md' });

void restoreSession().then((session) => {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <MantineProvider theme={theme}>
        <Notifications position="top-right" />
        <BrowserRouter>
          <SessionProvider initial={session}>
            <App />
          </SessionProvider>
        </BrowserRouter>
      </MantineProvider>
    </StrictMode>,
  );
});
