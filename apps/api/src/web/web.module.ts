import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '#config';
import { DevSignInModule } from '../auth/dev-sign-in.http.controller.js';
import { webAssetsDir } from './web-assets.js';
import { WEB_ASSETS_DIR, WebController } from './web.http.controller.js';

/** The web page (apps/web, built into dist/web) and, in the embedded default, its local sign-in. */
@Module({})
export class WebModule {
  static forRoot(config: AppConfig, assetsDir: string = webAssetsDir()): DynamicModule {
    return {
      module: WebModule,
      imports: [DevSignInModule.forRoot(config.auth)],
      controllers: [WebController],
      providers: [{ provide: WEB_ASSETS_DIR, useValue: assetsDir }],
    };
  }
}
